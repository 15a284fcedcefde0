import RealtimeProtocol
import RealtimeRecording

/// A rule's own check, declared in the rule's file and run on the event types it names.
///
/// The catalog's list of checks is generated from the rule files like the rule list (`RuleLayoutTests`), so a new
/// rule with a `RuleCheck` needs no edit in the dispatch: `SessionValidator` finds each event type's checks once (in
/// its `TypeInfo`) and runs them after the shared tracking has seen the event, unless the rule is disabled. Checks that
/// are woven into the tracking of responses, items and parts stay in `Rules/*Checks.swift`, guarded by `runs(_:)`.
struct RuleCheck: Sendable {
    let rule: RuleInfo
    /// Canonical (beta) event types the check looks at, sent by `direction`.
    let events: Set<String>
    let direction: Direction
    let check: @Sendable (inout SessionValidator, JSONValue) -> Void

    init(
        _ rule: RuleInfo, on events: Set<String>, from direction: Direction,
        check: @escaping @Sendable (inout SessionValidator, JSONValue) -> Void
    ) {
        self.rule = rule
        self.events = events
        self.direction = direction
        self.check = check
    }
}
