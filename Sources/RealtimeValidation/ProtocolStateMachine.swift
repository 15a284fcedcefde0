import RealtimeRecording

/// The protocol's sequence of events for one session, as a transition table (beta names).
///
/// This is the picture `rtscope spec` draws: a single-response view of what the validator
/// checks (the validator itself tracks many responses, items and parts at once, keyed by id).
/// Every event name here exists in the catalog (a test checks it), and the text-in/text-out
/// sample is a path through it (another test walks it).
public enum ProtocolStateMachine {
    public struct Transition: Sendable, Hashable {
        public let from: String
        public let event: String
        public let to: String
    }

    public static let start = "connecting"

    public static let transitions: [Transition] = [
        t("connecting", "session.created", "idle"),
        t("idle", "session.update", "updating"),
        t("updating", "session.updated", "idle"),
        t("idle", "conversation.item.create", "adding_item"),
        t("adding_item", "conversation.item.created", "idle"),
        t("idle", "input_audio_buffer.append", "idle"),
        t("idle", "input_audio_buffer.speech_started", "speaking"),
        t("speaking", "input_audio_buffer.append", "speaking"),
        t("speaking", "input_audio_buffer.speech_stopped", "committing"),
        t("idle", "input_audio_buffer.commit", "committing"),
        t("committing", "input_audio_buffer.committed", "adding_item"),
        t("idle", "response.create", "requested"),
        t("requested", "response.created", "responding"),
        t("adding_item", "response.created", "responding"),
        t("responding", "response.output_item.added", "item_open"),
        t("item_open", "conversation.item.created", "item_open"),
        t("item_open", "response.content_part.added", "part_open"),
        t("part_open", "response.text.delta", "part_open"),
        t("part_open", "response.audio.delta", "part_open"),
        t("part_open", "response.audio_transcript.delta", "part_open"),
        t("part_open", "response.text.done", "part_closing"),
        t("part_open", "response.audio.done", "part_closing"),
        t("part_open", "response.audio_transcript.done", "part_closing"),
        t("part_closing", "response.audio.done", "part_closing"),
        t("part_closing", "response.audio_transcript.done", "part_closing"),
        t("part_closing", "response.content_part.done", "item_open"),
        t("item_open", "response.function_call_arguments.delta", "item_open"),
        t("item_open", "response.function_call_arguments.done", "item_open"),
        t("item_open", "response.output_item.done", "responding"),
        t("responding", "response.done", "idle"),
        t("idle", "rate_limits.updated", "idle"),
        t("idle", "error", "idle"),
    ]

    private static func t(_ from: String, _ event: String, _ to: String) -> Transition {
        Transition(from: from, event: event, to: to)
    }

    /// The states in order of first appearance.
    public static var states: [String] {
        var seen: [String] = []
        for t in transitions {
            for s in [t.from, t.to] where !seen.contains(s) { seen.append(s) }
        }
        return seen
    }

    /// The state reached from `state` by `event`, if the table has that transition.
    public static func next(_ state: String, _ event: String) -> String? {
        transitions.first { $0.from == state && $0.event == event }?.to
    }

    /// A Mermaid `stateDiagram-v2`.
    public static func mermaid() -> String {
        var out = "stateDiagram-v2\n    [*] --> \(start)\n"
        for t in transitions { out += "    \(t.from) --> \(t.to) : \(t.event)\n" }
        out += "    idle --> [*] : close\n"
        return out
    }

    /// A Graphviz digraph.
    public static func dot() -> String {
        var out = "digraph realtime {\n    rankdir=LR;\n    node [shape=box, style=rounded];\n"
        out += "    start [shape=point];\n    start -> \(start);\n"
        for t in transitions { out += "    \(t.from) -> \(t.to) [label=\"\(t.event)\"];\n" }
        return out + "}\n"
    }
}
