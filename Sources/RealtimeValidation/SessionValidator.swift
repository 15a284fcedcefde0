import Foundation
public import RealtimeProtocol
import RealtimeRecording

/// Checks a Realtime session against the protocol, one frame at a time.
///
/// Sans-I/O: `consume(_:)` takes one decoded frame and returns the findings it triggers;
/// `finish()` returns what can only be known at the end (responses never closed, client
/// events never answered). The same value runs over a file (`ValidationRun`) and live inside
/// the recording proxy. Rules are listed in `RuleCatalog`; protocol facts (fields, streams,
/// dialects, answers) come from the `EventCatalog`.
///
/// Cost: O(1) amortised per event apart from accumulation strings; memory grows with the
/// number of responses and items (a few hundred bytes each), not with deltas or audio.
public struct SessionValidator {
    let catalog: EventCatalog
    /// The ordering table the lifecycle rules execute (`ProtocolStateMachine.standard` but in tests).
    let machine: ProtocolStateMachine
    /// Where the current event may move each machine (from its `TypeInfo`).
    var currentMoves: ProtocolStateMachine.Moves
    var state = SessionState()
    var findings: [Finding] = []
    /// Where findings go instead of `findings`, when set: kept as bytes with no `Finding` made (`ValidationRun` for a
    /// JSON report without excerpts), at or above the selection's severity floor only, in the order `findings` would
    /// have had them.
    var log: FindingLog?
    /// The dialect declared by the recording header or the command line (`nil`: detect).
    let declaredDialect: Dialect?
    /// The event being checked (during `check` only), held without retaining its tape (`JSONValue.Unretained`).
    var current: CurrentEvent?
    var currentType: String?
    var currentRole = EventRole.other
    /// What the catalog says about each event type seen, keyed by a hash of the type's bytes.
    var typeCache: [UInt64: TypeInfo] = [:]
    /// A direct-mapped first level in front of `typeCache` (a session uses a few dozen types), so the common case
    /// costs one hash of the type's bytes and one comparison.
    var typeSlots: [TypeInfo?] = Array(repeating: nil, count: 128)
    /// Scratch for the delta fast path: node numbers of the plan's fields in the current event (reused; the schema
    /// check has its own, so neither resizes it for the other).
    var fastNodes: [Int32] = []
    /// Scratch for the schema check: the node of each field of the current event's spec, and member lookups by key
    /// count (see `findSchemaNodes`).
    var schemaNodes: [Int32] = []
    var schemaScratch: [[Int32]] = []
    /// The response the last fast-path delta named, with its id's byte hash.
    var lastResponse: (hash: UInt64, response: SessionState.Response)?
    /// The part the last fast-path delta wrote to; `nil` whenever the rules add an output or a part.
    var lastPart:
        (response: SessionState.Response, oi: Int, ci: Int, output: SessionState.Output, part: SessionState.Part)?
    /// Whether content-part deltas take the fast path (tests turn it off to compare it with the full rules).
    var fastPathEnabled = true
    /// How much of the session the input is known to hold.
    let capture: Capture
    /// Whether a close frame was seen (an imported log with one was not cut at the end).
    var sawClose = false
    /// Set while `finish()` runs.
    var finishing = false
    /// Which rules run: a disabled rule's check is skipped (`runs(_:)` guards it), not its findings filtered later.
    let selection: RuleSelection
    /// Whether every rule runs (the common case: `runs(_:)` is one load).
    let everyRuleRuns: Bool
    /// The statuses a response may end with, from the catalog (`response-status-invalid`).
    let terminalStatuses: [String]
    /// Tests only: called with each rule whose check is about to run.
    var ruleProbe: ((String) -> Void)?

    /// How much of a session an input holds, which decides how findings about its edges are reported.
    public enum Capture: Sendable {
        /// Recorded from the first frame (`record`, the simulator): every finding at full strictness.
        case complete
        /// Converted from another tool's log, which may start mid-session or be cut at the end: without
        /// `session.created`, findings about responses and items the capture never saw created (and
        /// `session-created-first`) become notes; without a close frame, the end-of-session findings (responses
        /// never done, requests never answered) become notes. Each such note says why.
        case imported
    }

    /// The current event's `event_id`, decoded only when a finding needs it.
    var currentEventID: String? { current?.object?.value["event_id"]?.string }

    /// Catalog facts about one event type, computed once per distinct type (a class: one reference per event,
    /// not a copy of every field).
    final class TypeInfo {
        let type: String
        let spec: EventSpec?
        let canonical: String
        let role: EventRole
        /// Where this event type may move a session, response, item or part (from `ProtocolStateMachine`).
        let moves: ProtocolStateMachine.Moves
        /// Set for content-part delta types the fast path can take (only those the state machine allows in an open
        /// response, item and part).
        let deltaPlan: DeltaPlan?
        /// Where the schema check finds each of the spec's fields, with their presence and kind rules.
        let schema: SchemaPlan
        /// The rules' own checks (`RuleCheck`) on this event type, in catalog order (usually none).
        let checks: [RuleCheck]

        init(
            type: String, spec: EventSpec?, canonical: String, role: EventRole, moves: ProtocolStateMachine.Moves,
            deltaPlan: DeltaPlan?
        ) {
            self.type = type
            checks = RuleCatalog.checks.filter { $0.events.contains(canonical) }
            self.moves = moves
            self.spec = spec
            self.canonical = canonical
            self.role = role
            self.deltaPlan = deltaPlan
            schema = SchemaPlan(spec?.fields ?? [])
        }
    }

    public init(
        catalog: EventCatalog = .standard, declaredDialect: Dialect? = nil, capture: Capture = .complete,
        selection: RuleSelection = RuleSelection(), machine: ProtocolStateMachine = .standard
    ) {
        self.catalog = catalog
        terminalStatuses = Self.terminalStatuses(catalog)
        self.machine = machine
        currentMoves = machine.moves(for: "")
        self.selection = selection
        everyRuleRuns = selection.disabled.isEmpty && selection.enabled.isEmpty
        self.declaredDialect = declaredDialect
        self.capture = capture
        if let declaredDialect { state.dialectEvidence = (declaredDialect, 0) }
    }

    /// Checks one frame; returns the findings it triggers.
    public mutating func consume(_ event: ValidatorEvent) -> [Finding] {
        var out: [Finding] = []
        consume(event, appendingTo: &out)
        return out
    }

    /// Checks one frame, appending the findings it triggers to `out`.
    ///
    /// `out` is moved into the validator while the rules run and back afterwards, so a holder of many findings (a
    /// file's report) neither copies each finding (a copy retains every string it holds) nor allocates an array per
    /// event that has one.
    public mutating func consume(_ event: ValidatorEvent, appendingTo out: inout [Finding]) {
        swap(&findings, &out)
        defer { swap(&findings, &out) }
        check(event)
    }

    /// The checks of `consume`: appends the findings of one frame to `findings`.
    private mutating func check(_ event: ValidatorEvent) {
        if event.opcode == .close { sawClose = true }
        if event.opcode == .error {
            current = CurrentEvent(event)
            defer { current = nil }
            if runs(.transportError) { checkTransportError(event) }
            return
        }
        guard event.opcode == .text else { return }
        let parsed = event.object
        var info: TypeInfo?
        if let parsed, parsed.isObject, let type = parsed["type"] { info = typeInfo(type) }
        if let info, let parsed, let plan = info.deltaPlan, event.direction == .serverToClient,
            !parsed.hasRepeatedKeys, fastDelta(parsed, plan, line: event.line)
        {
            return
        }
        current = CurrentEvent(event)
        defer { current = nil }  // holds no value of the event afterwards, so a reader can reuse its tape
        currentType = nil
        guard let object = parsed, let info else {
            if runs(.eventNotJSONObject) { checkEventNotJSONObject(event, parsed) }
            return
        }
        let type = info.type
        let spec = info.spec
        currentType = type
        if object.hasRepeatedKeys, runs(.duplicateKey) { checkDuplicateKey(object) }
        if let spec {
            checkSchema(object, spec, info)
            if runs(.unknownEventType) { checkUnknownEventType(type, spec, event.direction) }
            checkDialect(type, spec, object)
        } else if runs(.unknownEventType) {
            checkUnknownEventType(type, nil, event.direction)
        }
        let canonical = info.canonical
        currentRole = info.role
        currentMoves = info.moves
        if event.direction == .serverToClient {
            checkServerIdentity(object, type)
            server(canonical, object, spec)
        } else {
            checkClientIdentity(object)
            client(canonical, object, spec)
        }
        // The input turn moves after its checks, which ask where it was (`ProtocolStateMachine`'s turn table).
        let turn = currentMoves.next(.turn, from: state.turnPhase)
        if turn >= 0 { state.turnPhase = turn }
        for check in info.checks where check.direction == event.direction && runs(check.rule) {
            check.check(&self, object)
        }
    }

    /// Findings that only the end of the session reveals.
    public mutating func finish() -> [Finding] {
        var out: [Finding] = []
        finish(appendingTo: &out)
        return out
    }

    /// `finish()`, appending the findings to `out` (moved in and out, as `consume(_:appendingTo:)` does).
    public mutating func finish(appendingTo out: inout [Finding]) {
        swap(&findings, &out)
        defer { swap(&findings, &out) }
        current = nil
        finishing = true
        defer { finishing = false }
        finishChecks()
    }

    /// The cached catalog facts for a `type` value (`nil` when it is not a string).
    mutating func typeInfo(_ value: JSONValue) -> TypeInfo? {
        let key = value.bytesHash
        let slot = Int(truncatingIfNeeded: key ^ key >> 32) & (typeSlots.count - 1)
        if let info = typeSlots[slot], value.rawEquals(info.type) { return info }
        if let info = typeCache[key], value.rawEquals(info.type) {
            typeSlots[slot] = info
            return info
        }
        guard let type = value.string else { return nil }
        let spec = catalog.spec(for: type)
        let canonical = catalog.canonicalName(of: type)
        let moves = machine.moves(for: canonical)
        let open = ProtocolStateMachine.Phase.open
        let streams =
            moves.allows(.response, from: open) && moves.allows(.item, from: open)
            && moves.allows(.part, from: open)
        let plan = streams ? spec.flatMap { DeltaPlan(spec: $0, stream: catalog.spec(for: canonical)?.stream) } : nil
        let info = TypeInfo(
            type: type, spec: spec, canonical: canonical, role: EventRole.byName[canonical] ?? .other, moves: moves,
            deltaPlan: plan)
        typeCache[key] = info
        typeSlots[slot] = info
        return info
    }

    /// Whether `rule`'s check runs: every check is guarded by this, so a disabled rule costs nothing.
    mutating func runs(_ rule: RuleInfo) -> Bool {
        guard selects(rule) else { return false }
        ruleProbe?(rule.id)
        return true
    }

    /// Whether the selection has `rule` (one load when every rule runs); `runs(_:)` and `emit` both ask this.
    func selects(_ rule: RuleInfo) -> Bool { everyRuleRuns || selection.runs(rule.id) }

    /// Records a finding on the current frame (or the given line).
    ///
    /// `priorID`: the finding is about a response or item id the input never saw created (see `Capture`).
    mutating func emit(
        _ rule: RuleInfo, _ message: FindingText, expected: String? = nil, actual: String? = nil,
        subject: String? = nil,
        related: RelatedLines = [], line: Int? = nil, index: Int? = nil, type: String? = nil, eventID: String? = nil,
        priorID: Bool = false
    ) {
        guard selects(rule) else { return }  // a check that shares its work with others (no probe: it ran already)
        var severity = rule.severity
        var message = message
        if let why = incompleteCapture(rule, priorID: priorID) {
            severity = .note
            message.append(" \(why)")
        }
        // Without a line of its own, the finding is about the current event: its type and id.
        let onCurrent = line == nil
        let (at, ordinal) = (line ?? current?.line ?? 0, index ?? current?.index ?? 0)
        let eventType = type ?? (onCurrent ? currentType : nil)
        if let log {
            guard severity >= selection.minimumSeverity else { return }
            log.append(
                rule: rule.id, severity: severity, message: message, expected: expected, actual: actual, line: at,
                eventIndex: ordinal, eventType: eventType, eventID: eventID,
                eventIDValue: eventID == nil && onCurrent ? current?.object?.value["event_id"] : nil, subject: subject,
                related: related)
            return
        }
        findings.append(
            Finding(
                rule: rule.id, severity: severity, message: message.string, expected: expected, actual: actual,
                line: at, eventIndex: ordinal, eventType: eventType,
                eventID: eventID ?? (onCurrent ? currentEventID : nil), subject: subject, related: related.array))
    }

    /// Why a finding is only a note in an incomplete capture, or `nil` when it keeps its severity.
    func incompleteCapture(_ rule: RuleInfo, priorID: Bool) -> String? {
        guard capture == .imported else { return nil }
        if state.sessionCreatedLine == nil, priorID || rule.id == RuleInfo.sessionCreatedFirst.id {
            return "(A note: the imported log has no session.created, so it starts mid-session and this may come from "
                + "before the capture.)"
        }
        if finishing, !sawClose, Self.endRules.contains(rule.id) {
            return "(A note: the imported log ends without a close frame, so the capture may have been cut before "
                + "this arrived.)"
        }
        return nil
    }

    /// Rules about the end of a session, which an imported log without a close frame may have cut off.
    static let endRules: Set<String> = Set(
        [RuleInfo.responseNotDone, .clientEventUnanswered, .functionOutputWithoutResponse, .cancelUnresolved].map(\.id))

    var line: Int { current?.line ?? 0 }
    var index: Int { current?.index ?? 0 }
}

/// Where the event being checked is, and its object held without a retain: `check` runs while its caller holds the
/// event.
struct CurrentEvent {
    let line: Int
    let index: Int
    let object: JSONValue.Unretained?

    init(_ event: borrowing ValidatorEvent) {
        line = event.line
        index = event.index
        object = event.object.map { JSONValue.Unretained($0) }
    }
}
