/// The protocol's ordering as data: one small state machine per thing that has a lifecycle (the session, an input
/// turn, a response, an output item, a content part), with the legal transitions of each.
///
/// This table is what runs: the validator's ordering rules (`session-created-first`, `session-created-once`,
/// `response-event-outside-lifecycle`, `stream-order`, `content-index-sequence` for an unknown part) ask it whether an
/// event may move a response, item or part on from the phase it is in, and the delta fast path only takes a delta the
/// table allows. `rtscope spec` draws the same table. Event names are canonical (beta); GA names map onto them through
/// `EventCatalog.canonicalName(of:)`. The content-part and function-call stream events come from the catalog's
/// `StreamSpec`s, so a new stream in the catalog is legal in its part without an edit here.
///
/// Invariant the validator relies on: for `.response`, `.item` and `.part` phase 0 is "not created yet", 1 is
/// "open" and 2 is "finished"; for `.session` phase 0 is "before session.created" and 1 is "ready". Instances track
/// responses, items and parts by id at once (they interleave), each in its own phase. The session has one input turn
/// at a time: speech_started → speech_stopped → committed → (the user item) → response.created, or a typed/manual turn
/// (conversation.item.create, input_audio_buffer.commit). The validator walks it (`SessionState.turnPhase`), and
/// `vad-id-mismatch` compares a speech_stopped or committed with its turn's speech_started only where the table lets
/// that event continue the turn's phase. The turn's table also holds the legal surprises of real traffic
/// (realtime-protocol.md §4.5): a new speech start in any phase (barge-in, a turn cut short), a manual commit while
/// speaking (V1), a response without a user turn; no finding comes from an event the turn table refuses (a capture
/// may start mid-turn), the turn just stays where it is.
public struct ProtocolStateMachine: Sendable {
    /// A kind of thing with a lifecycle.
    public enum Machine: String, Sendable, CaseIterable {
        case session, turn, response, item, part

        /// The phases, in order; the first is where every instance starts.
        public var phases: [String] {
            switch self {
            case .session: ["connecting", "ready"]
            case .turn: ["idle", "speaking", "stopped", "committed"]
            case .response: ["none", "in_progress", "done"]
            case .item: ["none", "added", "done"]
            case .part: ["none", "added", "done"]
            }
        }
    }

    /// One legal step: in machine `machine`, event `event` (sent by `role`) moves an instance from `from` to `to`.
    public struct Transition: Sendable, Hashable {
        public let machine: Machine
        public let from: String
        /// A canonical event name, or `ProtocolStateMachine.anyEvent`.
        public let event: String
        public let to: String
        public let role: Direction

        public init(_ machine: Machine, _ from: String, _ event: String, _ to: String, by role: Direction) {
            self.machine = machine
            self.from = from
            self.event = event
            self.to = to
            self.role = role
        }
    }

    /// Phase indexes the validator maps its state to (see the invariant above).
    public enum Phase {
        /// Not created yet (`.session`: before session.created).
        public static let start = 0
        /// Open (`.session`: ready).
        public static let open = 1
        /// Finished.
        public static let finished = 2
    }

    /// Stands for every event that names the instance and that no other transition of the machine names (a
    /// response's output items, parts and streams, whose own machines decide their order).
    public static let anyEvent = "*"

    public let transitions: [Transition]

    public init(transitions: [Transition]) { self.transitions = transitions }

    /// The table, from the lifecycle below and the catalog's content-part and function-call streams.
    public static let standard = ProtocolStateMachine(catalog: .standard)

    public init(catalog: EventCatalog) {
        let server = Direction.serverToClient
        let client = Direction.clientToServer
        var list: [Transition] = [
            Transition(.session, "connecting", "session.created", "ready", by: server),
            Transition(.session, "connecting", "transcription_session.created", "ready", by: server),
            Transition(.session, "ready", "session.update", "ready", by: client),
            Transition(.session, "ready", "session.updated", "ready", by: server),
            Transition(.session, "ready", "transcription_session.updated", "ready", by: server),
            Transition(.session, "ready", "response.create", "ready", by: client),
            Transition(.session, "ready", "response.cancel", "ready", by: client),
            Transition(.session, "ready", "rate_limits.updated", "ready", by: server),
            Transition(.session, "ready", "error", "ready", by: server),
            Transition(.turn, "idle", "input_audio_buffer.append", "idle", by: client),
            Transition(.turn, "idle", "input_audio_buffer.speech_started", "speaking", by: server),
            Transition(.turn, "speaking", "input_audio_buffer.append", "speaking", by: client),
            Transition(.turn, "speaking", "input_audio_buffer.speech_stopped", "stopped", by: server),
            Transition(.turn, "stopped", "input_audio_buffer.committed", "committed", by: server),
            Transition(.turn, "idle", "input_audio_buffer.commit", "stopped", by: client),
            Transition(.turn, "idle", "conversation.item.create", "committed", by: client),
            Transition(.turn, "committed", "conversation.item.created", "committed", by: server),
            Transition(.turn, "committed", "response.created", "idle", by: server),
            // Legal surprises (§4.5): a response without a user turn (out-of-band, tool follow-up), a new speech start
            // in any phase (barge-in, a turn cut short), a manual commit while speaking (V1), a commit after an
            // idle timeout (V4), audio appended after the stop.
            Transition(.turn, "idle", "response.created", "idle", by: server),
            Transition(.turn, "speaking", "input_audio_buffer.speech_started", "speaking", by: server),
            Transition(.turn, "stopped", "input_audio_buffer.speech_started", "speaking", by: server),
            Transition(.turn, "committed", "input_audio_buffer.speech_started", "speaking", by: server),
            Transition(.turn, "speaking", "input_audio_buffer.commit", "stopped", by: client),
            Transition(.turn, "speaking", "input_audio_buffer.committed", "committed", by: server),
            Transition(.turn, "idle", "input_audio_buffer.timeout_triggered", "stopped", by: server),
            Transition(.turn, "stopped", "input_audio_buffer.append", "stopped", by: client),
            Transition(.response, "none", "response.created", "in_progress", by: server),
            Transition(.response, "in_progress", Self.anyEvent, "in_progress", by: server),
            Transition(.response, "in_progress", "response.done", "done", by: server),
            Transition(.response, "in_progress", "output_audio_buffer.stopped", "in_progress", by: server),
            Transition(.response, "in_progress", "output_audio_buffer.cleared", "in_progress", by: server),
            Transition(.response, "done", "output_audio_buffer.stopped", "done", by: server),
            Transition(.response, "done", "output_audio_buffer.cleared", "done", by: server),
            Transition(.item, "none", "response.output_item.added", "added", by: server),
            Transition(.item, "added", "conversation.item.created", "added", by: server),
            Transition(.item, "added", "response.content_part.added", "added", by: server),
            Transition(.item, "added", "response.content_part.done", "added", by: server),
            Transition(.part, "none", "response.content_part.added", "added", by: server),
        ]
        var partStreams: [Transition] = []
        for spec in catalog.events
        where spec.name.hasPrefix("response.") && catalog.canonicalName(of: spec.name) == spec.name {
            guard let stream = spec.stream, stream.keys.contains("response_id") else { continue }
            if stream.partType != nil {
                list.append(Transition(.item, "added", spec.name, "added", by: server))
                list.append(Transition(.item, "added", stream.doneEvent, "added", by: server))
                partStreams.append(Transition(.part, "added", spec.name, "added", by: server))
                partStreams.append(Transition(.part, "added", stream.doneEvent, "added", by: server))
            } else {
                list.append(Transition(.item, "added", spec.name, "added", by: server))
                list.append(Transition(.item, "added", stream.doneEvent, "added", by: server))
            }
        }
        list += partStreams
        list.append(Transition(.part, "added", "response.content_part.done", "done", by: server))
        list.append(Transition(.item, "added", "response.output_item.done", "done", by: server))
        var seen = Set<Transition>()
        transitions = list.filter { seen.insert($0).inserted }
    }

    /// The phase `event` moves an instance of `machine` to from `phase`, or `nil` when the table has no such step.
    public func next(_ machine: Machine, _ phase: String, _ event: String) -> String? {
        let from = transitions.filter { $0.machine == machine && $0.from == phase }
        if let step = from.first(where: { $0.event == event }) { return step.to }
        guard !names(machine, event) else { return nil }
        return from.first { $0.event == Self.anyEvent }?.to
    }

    /// Whether any transition of `machine` names `event` itself (then `anyEvent` does not stand for it).
    public func names(_ machine: Machine, _ event: String) -> Bool {
        transitions.contains { $0.machine == machine && $0.event == event }
    }

    /// For one event: the phase index it leads to from each phase index of each machine (-1: not allowed).
    ///
    /// Computed once per event type, so the validator's per-event question is an array read.
    public func moves(for event: String) -> Moves {
        let width = Moves.width
        var next = [Int8](repeating: -1, count: Machine.allCases.count * width)
        for (m, machine) in Machine.allCases.enumerated() {
            for (p, phase) in machine.phases.enumerated() {
                if let to = self.next(machine, phase, event), let index = machine.phases.firstIndex(of: to) {
                    next[m * width + p] = Int8(index)
                }
            }
        }
        return Moves(next: next, width: width)
    }

    /// Where one event type may move each machine (see `moves(for:)`).
    public struct Moves: Sendable {
        /// Phases per machine in the table: the most any machine has (derived, so a machine given another phase
        /// cannot overrun into the next machine's row).
        static let width = Machine.allCases.map(\.phases.count).max() ?? 0
        let next: [Int8]
        /// `Moves.width`, kept with the table so the per-event reads need no global.
        let width: Int

        /// Whether the event may move an instance of `machine` on from phase index `phase`.
        public func allows(_ machine: Machine, from phase: Int) -> Bool {
            next[Self.index(machine) * width + phase] >= 0
        }

        /// The phase index the event moves an instance of `machine` to from phase index `phase` (-1: not allowed).
        public func next(_ machine: Machine, from phase: Int) -> Int {
            Int(next[Self.index(machine) * width + phase])
        }

        private static func index(_ machine: Machine) -> Int {
            switch machine {
            case .session: 0
            case .turn: 1
            case .response: 2
            case .item: 3
            case .part: 4
            }
        }
    }

    /// The same table without the step from `phase` on `event` in `machine` (tests use it to show the table runs).
    public func removing(_ machine: Machine, _ phase: String, _ event: String) -> ProtocolStateMachine {
        ProtocolStateMachine(
            transitions: transitions.filter { !($0.machine == machine && $0.from == phase && $0.event == event) })
    }

    /// A transition's label: who sends which event.
    static func label(_ t: Transition) -> String {
        let event = t.event == anyEvent ? "any event of the response" : t.event
        return "\(t.role == .clientToServer ? "client" : "server"): \(event)"
    }

    /// A Mermaid `stateDiagram-v2`, one composite state per machine.
    public func mermaid() -> String {
        var out = "stateDiagram-v2\n"
        for machine in Machine.allCases {
            let name = machine.rawValue
            out += "    state \(name) {\n"
            out += "        [*] --> \(name)_\(machine.phases[0])\n"
            for phase in machine.phases { out += "        state \"\(phase)\" as \(name)_\(phase)\n" }
            for t in transitions where t.machine == machine {
                out += "        \(name)_\(t.from) --> \(name)_\(t.to) : \(Self.label(t))\n"
            }
            out += "    }\n"
        }
        return out
    }

    /// A Graphviz digraph, one cluster per machine.
    public func dot() -> String {
        var out = "digraph realtime {\n    rankdir=LR;\n    node [shape=box, style=rounded];\n"
        for machine in Machine.allCases {
            let name = machine.rawValue
            out += "    subgraph cluster_\(name) {\n        label=\"\(name)\";\n"
            out += "        \(name)_start [shape=point];\n        \(name)_start -> \(name)_\(machine.phases[0]);\n"
            for phase in machine.phases { out += "        \(name)_\(phase) [label=\"\(phase)\"];\n" }
            for t in transitions where t.machine == machine {
                out += "        \(name)_\(t.from) -> \(name)_\(t.to) [label=\"\(Self.label(t))\"];\n"
            }
            out += "    }\n"
        }
        return out + "}\n"
    }
}
