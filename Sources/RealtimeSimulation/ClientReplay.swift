import Foundation
import RealtimeRecording

/// Drives a new session with a recording's client events, as a pure state machine (sans-I/O):
/// what `rtscope replay` runs over a WebSocket.
///
/// The transport calls `received(_:now:)` with every server text frame, and `due(now:)` whenever
/// `nextDue` has passed; `due` returns the frames to send. Times are live milliseconds.
///
/// When a client event goes (the rules, stated because replay fidelity rests on them):
/// - Each recorded client event waits for its **anchor**: the last milestone server event the
///   recorded client had received before sending it (`session.created`/`updated`,
///   `response.created`/`done`, `conversation.item.created`/`added`/`truncated`,
///   `input_audio_buffer.committed`/`speech_started`/`speech_stopped`,
///   `response.output_item.added`, `response.function_call_arguments.done`, and a response's first
///   audio delta), counted by occurrence: the client that sent its event after the 3rd
///   `response.done` waits for the new session's 3rd `response.done`.
/// - It is then sent at its recorded offset from that anchor, divided by `speed` (so a truncate
///   or a barge-in lands at the same point relative to the answer's audio); an event whose anchor
///   came before the previous client event keeps its recorded spacing from the previous client
///   event instead (so audio is paced as recorded). An audio append never waits for what audio
///   causes (`speech_started`/`stopped`, `committed`, item created/added), so a server whose VAD
///   reacts later cannot stall the audio that would make it react.
///   With speed 0 (`--asap`) nothing waits for time, only for anchors.
/// - An anchor that does not arrive within `waitLimitMs` of when it was due is given up on (a
///   note says so) and the event is sent: a server that answers differently cannot hang a replay.
/// - Ids the server chose are rewritten: a response or item id of the recording maps to the new
///   session's id of the same rank (the k-th response, the k-th item id the server named).
/// - A `function_call_output` answers a new call: the first unanswered one with the recorded
///   call's name and JSON-equal arguments, else the first unanswered one; its output is the
///   recorded one unless `toolOutputs` names the function. With no call to answer it is skipped.
public final class ClientReplay {
    public struct Options: Sendable {
        /// 1 = recorded timing, 2 = twice as fast, 0 = as soon as each anchor arrives.
        public var speed = 1.0
        /// Fixed outputs by function name (`--tools FILE`).
        public var toolOutputs: [String: String] = [:]
        /// How long to wait for an anchor past its due time before giving up on it.
        public var waitLimitMs: Int64 = 10_000

        public init() {}
    }

    struct Step {
        let text: String
        let type: String?
        let tUs: Int64
        /// The milestone the recorded client had last seen, and its recorded time.
        let anchor: Milestone?
        let anchorTUs: Int64
        /// Paced from the previous client event rather than from the anchor.
        let pacedByPrevious: Bool
    }

    struct Milestone: Hashable {
        let kind: String
        let occurrence: Int
    }

    static let milestoneTypes: Set<String> = [
        "session.created", "session.updated", "response.created", "response.done", "conversation.item.created",
        "conversation.item.added", "conversation.item.truncated", "input_audio_buffer.committed",
        "input_audio_buffer.speech_started", "input_audio_buffer.speech_stopped", "response.output_item.added",
        "response.function_call_arguments.done",
    ]
    /// Milestones the user's own audio causes: an append never waits for them.
    static let audioDriven: Set<String> = [
        "input_audio_buffer.speech_started", "input_audio_buffer.speech_stopped", "input_audio_buffer.committed",
        "conversation.item.created", "conversation.item.added",
    ]
    static let audioDeltaTypes: Set<String> = ["response.audio.delta", "response.output_audio.delta"]

    private let steps: [Step]
    private let options: Options
    private var next = 0
    private var prevSentMs: Int64?
    private var prevTUs: Int64 = 0
    private var live = ServerTrack()
    private var recorded: ServerTrack
    /// Notes for the user: skipped events, anchors given up on.
    public private(set) var notes: [String] = []
    /// Client events sent so far.
    public private(set) var sent = 0

    /// - Parameter frames: the recording's frames in order (client and server, as `SimulatorServer.replayFrames` reads them).
    public init(frames: [ReplayFrame], options: Options = Options()) {
        self.options = options
        var track = ServerTrack()
        var steps: [Step] = []
        var lastMilestone: (Milestone, Int64)?
        var lastNonAudio: (Milestone, Int64)?
        var lastClientTUs: Int64 = 0
        for frame in frames {
            guard let text = frame.text else { continue }
            if frame.fromClient {
                // An append waits for no event its own audio caused (VAD, commit, the user's item).
                let anchor = frame.type == "input_audio_buffer.append" ? lastNonAudio : lastMilestone
                let anchorBefore = anchor.map { $0.1 < lastClientTUs } ?? true
                steps.append(
                    Step(
                        text: text, type: frame.type, tUs: frame.tUs, anchor: anchor?.0, anchorTUs: anchor?.1 ?? 0,
                        pacedByPrevious: !steps.isEmpty && anchorBefore))
                lastClientTUs = frame.tUs
            } else if let milestone = track.take(text) {
                lastMilestone = (milestone, frame.tUs)
                if !Self.audioDriven.contains(milestone.kind) { lastNonAudio = (milestone, frame.tUs) }
            }
        }
        self.steps = steps
        self.recorded = track
    }

    /// Whether the recording has any client event to replay.
    public var isEmpty: Bool { steps.isEmpty }
    /// Whether every client event has been sent (or skipped).
    public var finished: Bool { next >= steps.count }
    /// How many client events the replay holds.
    public var total: Int { steps.count }

    /// Whether every event was sent and the new session has reached every milestone count of the
    /// recording (as many `response.done` and so on): the recorded client's end.
    public var settled: Bool {
        finished && recorded.counts.allSatisfy { live.counts[$0.key, default: 0] >= $0.value }
    }

    /// What the next event waits for, for progress and stall messages.
    public var waitingFor: String? {
        guard !finished, let anchor = steps[next].anchor, live.times[anchor] == nil else { return nil }
        return "\(anchor.kind) #\(anchor.occurrence)"
    }

    /// Takes one server text frame.
    public func received(_ text: String, now: Int64) {
        _ = live.take(text, now: now)
    }

    /// When the next event may go (live ms), or nil when finished.
    public var nextDue: Int64? {
        guard !finished else { return nil }
        let step = steps[next]
        let speed = options.speed
        func scaled(_ us: Int64) -> Int64 { speed > 0 ? Int64(Double(max(0, us)) / 1000 / speed) : 0 }
        let previous = prevSentMs.map { $0 + (step.pacedByPrevious ? scaled(step.tUs - prevTUs) : 0) }
        guard let anchor = step.anchor else { return previous ?? 0 }
        guard let seen = live.times[anchor] else {
            // Not arrived: give up once it is overdue by the wait limit.
            return (previous ?? 0) + options.waitLimitMs
        }
        let fromAnchor = seen + (step.pacedByPrevious ? 0 : scaled(step.tUs - step.anchorTUs))
        return max(previous ?? 0, fromAnchor)
    }

    /// The frames to send at `now`.
    public func due(now: Int64) -> [String] {
        var out: [String] = []
        while let at = nextDue, at <= now {
            let step = steps[next]
            if let anchor = step.anchor, live.times[anchor] == nil {
                notes.append(
                    "gave up waiting for \(anchor.kind) #\(anchor.occurrence) after \(options.waitLimitMs) ms; sent \(step.type ?? "a frame") anyway"
                )
                live.times[anchor] = at  // later events waiting for it go at their offsets from now
            }
            next += 1
            prevSentMs = max(at, prevSentMs ?? at)
            prevTUs = step.tUs
            if let text = rewrite(step) {
                out.append(text)
                sent += 1
            }
        }
        return out
    }

    // MARK: - Rewriting server-chosen ids

    private func rewrite(_ step: Step) -> String? {
        guard
            step.type == "conversation.item.create" || step.type == "conversation.item.truncate"
                || step.type == "conversation.item.delete" || step.type == "conversation.item.retrieve"
                || step.type == "response.cancel"
        else { return step.text }
        guard let parsed = try? JSON(parsing: step.text), case .object = parsed else { return step.text }
        var event = parsed
        var changed = false
        for key in ["item_id", "previous_item_id"] {
            if let id = event[key]?.string, let mapped = map(id, recorded.items, live.items), mapped != id {
                event.set(key, .string(mapped))
                changed = true
            }
        }
        if let id = event["response_id"]?.string, let mapped = map(id, recorded.responses, live.responses) {
            event.set("response_id", .string(mapped))
            changed = true
        }
        if var item = event["item"], item.object != nil, item["type"]?.string == "function_call_output",
            let call = item["call_id"]?.string
        {
            guard let answer = live.answer(recorded: recorded.calls[call]) else {
                notes.append("skipped the function_call_output for \(call): the new session made no call to answer")
                return nil
            }
            item.set("call_id", .string(answer.callID))
            if let fixed = options.toolOutputs[answer.name] { item.set("output", .string(fixed)) }
            event.set("item", item)
            changed = true
        }
        guard changed else { return step.text }
        return Self.encode(event)
    }

    private func map(_ id: String, _ from: [String], _ to: [String]) -> String? {
        guard let k = from.firstIndex(of: id), k < to.count else { return nil }
        return to[k]
    }

    /// Compact JSON with `type` and `event_id` first, then the other keys sorted (nested objects' keys sorted too).
    static func encode(_ event: JSON) -> String {
        guard case .object(let pairs) = event.keysSorted else { return event.encoded }
        let first = ["type", "event_id"].compactMap { key in pairs.first { $0.0 == key } }
        let rest = pairs.filter { $0.0 != "type" && $0.0 != "event_id" }
        return JSON.object(first + rest).encoded
    }
}

/// What one side of a session's server told the client: milestone times, and the ids and calls
/// the client may have to refer to.
struct ServerTrack {
    var counts: [String: Int] = [:]
    var times: [ClientReplay.Milestone: Int64] = [:]
    var responses: [String] = []
    var items: [String] = []
    var audioSeen: Set<String> = []
    /// Calls by id: name and arguments.
    var calls: [String: (name: String, arguments: String)] = [:]
    var order: [String] = []
    var answered: Set<String> = []

    /// Notes a server frame; returns the milestone it is, if any.
    mutating func take(_ text: String, now: Int64 = 0) -> ClientReplay.Milestone? {
        guard let event = try? JSON(parsing: text), let type = event["type"]?.string else { return nil }
        func note(item id: String?) { if let id, !items.contains(id) { items.append(id) } }
        switch type {
        case "response.created": if let id = event.string(at: "response.id") { responses.append(id) }
        case "conversation.item.created", "conversation.item.added", "response.output_item.added":
            note(item: event.string(at: "item.id"))
        case "input_audio_buffer.committed": note(item: event["item_id"]?.string)
        case "response.function_call_arguments.done":
            if let id = event["call_id"]?.string {
                calls[id] = (event["name"]?.string ?? "", event["arguments"]?.string ?? "")
                order.append(id)
            }
        default: break
        }
        var kind: String?
        if ClientReplay.milestoneTypes.contains(type) {
            kind = type
        } else if ClientReplay.audioDeltaTypes.contains(type), let id = event["response_id"]?.string,
            audioSeen.insert(id).inserted
        {
            kind = "first audio delta"
        }
        guard let kind else { return nil }
        counts[kind, default: 0] += 1
        let milestone = ClientReplay.Milestone(kind: kind, occurrence: counts[kind] ?? 1)
        times[milestone] = now
        return milestone
    }

    /// The call a recorded call's output should answer now (marked answered).
    mutating func answer(recorded: (name: String, arguments: String)?) -> (callID: String, name: String)? {
        let open = order.filter { !answered.contains($0) }
        let match =
            recorded.flatMap { r in
                open.first { id in calls[id]?.name == r.name && Self.sameJSON(calls[id]?.arguments, r.arguments) }
            } ?? open.first
        guard let match else { return nil }
        answered.insert(match)
        return (match, calls[match]?.name ?? "")
    }

    static func sameJSON(_ a: String?, _ b: String) -> Bool {
        guard let a else { return false }
        return JSONEquality.same(a, b)
    }
}
