import Foundation
import RealtimeProtocol
import RealtimeRecording

/// What the simulated model answers with: one output item.
public enum PlannedOutput: Sendable {
    /// An assistant message; with `audio`, an audio part with a transcript, else a text part.
    case message(text: String, audio: Bool)
    case functionCall(name: String, arguments: String)
}

/// One response being streamed: its plan, what has been sent of it, and how to cut it short.
///
/// Steps are emitted one at a time (`next()`), so a cancel or a barge-in between any two steps
/// closes exactly what was opened: every opened part and item gets its `*.done` events and
/// `response.done` comes last (protocol reference N1, N4).
final class ResponseRun {
    enum Step {
        case created, itemAdded(Int), itemAnnounced(Int), partAdded(Int)
        case textDelta(Int, String), transcriptDelta(Int, String), audioDelta(Int, [UInt8]), argumentsDelta(Int, String)
        case audioDone(Int), streamDone(Int), partDone(Int), itemDone(Int), itemFinished(Int), done
        var isDelta: Bool {
            switch self {
            case .textDelta, .transcriptDelta, .audioDelta, .argumentsDelta: true
            default: false
            }
        }
    }

    struct Item {
        let id: String
        let output: PlannedOutput
        let callID: String?
        var added = false, partOpen = false, audioClosed = false, streamClosed = false, done = false
        var text = "", audioBytes = 0, hadPart = false
    }

    let id: String
    let dialect: Dialect
    let metadata: JSON
    var items: [Item]
    private var steps: [Step] = []
    private var position = 0
    /// Conversation item ids: the item each output item follows.
    var previousItemID: String?
    let inputTokens: Int
    private(set) var finished = false
    var status = "in_progress"
    var statusDetails: JSON = nil

    init(
        id: String, dialect: Dialect, outputs: [(id: String, output: PlannedOutput, callID: String?)],
        previousItemID: String?, inputTokens: Int, metadata: JSON, shapes: [ReplyShape?] = []
    ) {
        self.id = id
        self.dialect = dialect
        self.items = outputs.map { Item(id: $0.id, output: $0.output, callID: $0.callID) }
        self.previousItemID = previousItemID
        self.inputTokens = inputTokens
        self.metadata = metadata
        steps = [.created]
        for (i, item) in items.enumerated() {
            let shape = i < shapes.count ? shapes[i] : nil
            steps += [.itemAdded(i), .itemAnnounced(i)]
            switch item.output {
            case .message(let text, let audio):
                steps.append(.partAdded(i))
                let words = shape?.pieces ?? Self.chunks(text)
                if audio {
                    // 24 kHz PCM16: about 250 ms of audio per word, sent in 100 ms deltas.
                    let ms = shape?.audioMs ?? Self.audioMs(of: item.output)
                    let pcm = Tone.pcm(ms: ms, hz: 220 + Double(i) * 110, level: 0.2)
                    let audioChunks = stride(from: 0, to: pcm.count, by: 4800).map {
                        Array(pcm[$0..<min($0 + 4800, pcm.count)])
                    }
                    for k in 0..<max(words.count, audioChunks.count) {
                        if k < words.count { steps.append(.transcriptDelta(i, words[k])) }
                        if k < audioChunks.count { steps.append(.audioDelta(i, audioChunks[k])) }
                    }
                } else {
                    steps += words.map { .textDelta(i, $0) }
                }
                if audio { steps.append(.audioDone(i)) }
                steps += [.streamDone(i), .partDone(i)]
            case .functionCall(_, let arguments):
                steps += (shape?.pieces ?? Self.chunks(arguments, size: 8)).map { .argumentsDelta(i, $0) }
                steps.append(.streamDone(i))
            }
            steps.append(.itemDone(i))
            if dialect == .ga { steps.append(.itemFinished(i)) }
        }
        steps.append(.done)
    }

    /// How long the audio of `output` is: about 250 ms per word, at least 200 ms (0 without audio).
    static func audioMs(of output: PlannedOutput) -> Int {
        guard case .message(let text, true) = output else { return 0 }
        return max(200, chunks(text).count * 250)
    }

    /// Splits text into word-sized pieces whose concatenation is the text.
    static func chunks(_ text: String, size: Int? = nil) -> [String] {
        if let size {
            var out: [String] = []
            var rest = Substring(text)
            while !rest.isEmpty {
                out.append(String(rest.prefix(size)))
                rest = rest.dropFirst(size)
            }
            return out
        }
        var out: [String] = []
        var current = ""
        for ch in text {
            if ch == " ", !current.isEmpty, current.last != " " {
                out.append(current)
                current = ""
            }
            current.append(ch)
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// Whether the next step is a delta (paced) rather than a bookkeeping event (sent at once).
    var nextIsDelta: Bool { position < steps.count && steps[position].isDelta }

    /// The next event of the response, or nil when it has ended.
    func next(_ ids: inout IDSource) -> JSON? {
        guard position < steps.count else { return nil }
        let step = steps[position]
        position += 1
        return render(step, &ids)
    }

    /// Ends the response early: closes what is open and sends `response.done` with `status`.
    func cancel(status: String, reason: String, _ ids: inout IDSource) -> [JSON] {
        guard !finished else { return [] }
        self.status = status
        statusDetails = .object([("type", .string(status)), ("reason", .string(reason))])
        var out: [JSON] = []
        if position == 0 { out.append(render(.created, &ids)) }
        for i in items.indices where items[i].added && !items[i].done {
            if items[i].partOpen || isCall(i) {
                if case .message(_, true) = items[i].output, !items[i].audioClosed {
                    out.append(render(.audioDone(i), &ids))
                }
                if !items[i].streamClosed { out.append(render(.streamDone(i), &ids)) }
                if items[i].partOpen { out.append(render(.partDone(i), &ids)) }
            }
            out.append(render(.itemDone(i), &ids))
            if dialect == .ga { out.append(render(.itemFinished(i), &ids)) }
        }
        out.append(render(.done, &ids))
        position = steps.count
        return out
    }

    private func isCall(_ i: Int) -> Bool {
        if case .functionCall = items[i].output { return true }
        return false
    }

    private func name(_ beta: String) -> String { dialect == .ga ? EventCatalog.gaName(for: beta) : beta }

    private func event(_ beta: String, _ ids: inout IDSource, _ fields: [(String, JSON)]) -> JSON {
        .object([("type", .string(name(beta))), ("event_id", .string(ids.next("event")))] + fields)
    }

    private func partFields(_ i: Int) -> [(String, JSON)] {
        [
            ("response_id", .string(id)), ("item_id", .string(items[i].id)), ("output_index", .int(i)),
            ("content_index", 0),
        ]
    }

    private func render(_ step: Step, _ ids: inout IDSource) -> JSON {
        switch step {
        case .created:
            return event("response.created", &ids, [("response", responseObject(output: []))])
        case .itemAdded(let i):
            items[i].added = true
            return event(
                "response.output_item.added", &ids,
                [("response_id", .string(id)), ("output_index", .int(i)), ("item", itemObject(i))])
        case .itemAnnounced(let i):
            let previous = previousItemID
            previousItemID = items[i].id
            return event(
                "conversation.item.created", &ids,
                [("previous_item_id", previous.map(JSON.string) ?? nil), ("item", itemObject(i))])
        case .partAdded(let i):
            items[i].partOpen = true
            items[i].hadPart = true
            return event("response.content_part.added", &ids, partFields(i) + [("part", partObject(i))])
        case .textDelta(let i, let text):
            items[i].text += text
            return event("response.text.delta", &ids, partFields(i) + [("delta", .string(text))])
        case .transcriptDelta(let i, let text):
            items[i].text += text
            return event("response.audio_transcript.delta", &ids, partFields(i) + [("delta", .string(text))])
        case .audioDelta(let i, let pcm):
            items[i].audioBytes += pcm.count
            return event(
                "response.audio.delta", &ids, partFields(i) + [("delta", .string(Data(pcm).base64EncodedString()))])
        case .argumentsDelta(let i, let text):
            items[i].text += text
            return event(
                "response.function_call_arguments.delta", &ids,
                [
                    ("response_id", .string(id)), ("item_id", .string(items[i].id)), ("output_index", .int(i)),
                    ("call_id", .string(items[i].callID ?? "")), ("delta", .string(text)),
                ])
        case .audioDone(let i):
            items[i].audioClosed = true
            return event("response.audio.done", &ids, partFields(i))
        case .streamDone(let i):
            items[i].streamClosed = true
            switch items[i].output {
            case .message(_, let audio):
                if audio {
                    return event(
                        "response.audio_transcript.done", &ids, partFields(i) + [("transcript", .string(items[i].text))]
                    )
                }
                return event("response.text.done", &ids, partFields(i) + [("text", .string(items[i].text))])
            case .functionCall(let name, _):
                return event(
                    "response.function_call_arguments.done", &ids,
                    [
                        ("response_id", .string(id)), ("item_id", .string(items[i].id)), ("output_index", .int(i)),
                        ("call_id", .string(items[i].callID ?? "")), ("name", .string(name)),
                        ("arguments", .string(items[i].text)),
                    ])
            }
        case .partDone(let i):
            items[i].partOpen = false
            return event("response.content_part.done", &ids, partFields(i) + [("part", partObject(i))])
        case .itemDone(let i):
            items[i].done = true
            return event(
                "response.output_item.done", &ids,
                [("response_id", .string(id)), ("output_index", .int(i)), ("item", itemObject(i))])
        case .itemFinished(let i):
            return event("conversation.item.done", &ids, [("item", itemObject(i))])
        case .done:
            finished = true
            if status == "in_progress" { status = "completed" }
            let output = items.indices.filter { items[$0].added }.map { itemObject($0) }
            return event("response.done", &ids, [("response", responseObject(output: output))])
        }
    }

    private func partObject(_ i: Int) -> JSON {
        guard case .message(_, let audio) = items[i].output else { return nil }
        return audio
            ? .object([("type", "audio"), ("transcript", .string(items[i].text))])
            : .object([("type", "text"), ("text", .string(items[i].text))])
    }

    func itemObject(_ i: Int) -> JSON {
        let item = items[i]
        let status: JSON =
            item.done
            ? (self.status == "in_progress" || self.status == "completed" ? "completed" : "incomplete") : "in_progress"
        var pairs: [(String, JSON)] = [("id", .string(item.id))]
        if dialect == .beta { pairs.append(("object", "realtime.item")) }
        switch item.output {
        case .message(_, let audio):
            var content: [JSON] = []
            if item.done, item.hadPart {
                let type =
                    audio ? (dialect == .ga ? "output_audio" : "audio") : (dialect == .ga ? "output_text" : "text")
                content = [.object([("type", .string(type)), (audio ? "transcript" : "text", .string(item.text))])]
            }
            pairs += [("type", "message"), ("status", status), ("role", "assistant"), ("content", .array(content))]
        case .functionCall(let name, _):
            pairs += [
                ("type", "function_call"), ("status", status), ("name", .string(name)),
                ("call_id", .string(item.callID ?? "")), ("arguments", .string(item.done ? item.text : "")),
            ]
        }
        return .object(pairs)
    }

    private func responseObject(output: [JSON]) -> JSON {
        var pairs: [(String, JSON)] = [
            ("id", .string(id)), ("object", "realtime.response"), ("status", .string(status)),
            ("status_details", statusDetails), ("output", .array(output)),
        ]
        if dialect == .beta {
            pairs.append(
                (
                    "modalities",
                    items.contains { if case .message(_, true) = $0.output { true } else { false } }
                        ? ["text", "audio"] : ["text"]
                ))
        }
        pairs.append(("metadata", metadata))
        pairs.append(("usage", finished ? usage() : nil))
        return .object(pairs)
    }

    private func usage() -> JSON {
        let text = items.reduce(0) { $0 + max(1, $1.text.split(separator: " ").count) }
        let audio = items.reduce(0) { $0 + $1.audioBytes / 4800 }
        let input = max(1, inputTokens)
        return .object([
            ("total_tokens", .int(input + text + audio)), ("input_tokens", .int(input)),
            ("output_tokens", .int(text + audio)),
            (
                "input_token_details",
                .object([("cached_tokens", 0), ("text_tokens", .int(input)), ("audio_tokens", 0)])
            ),
            ("output_token_details", .object([("text_tokens", .int(text)), ("audio_tokens", .int(audio))])),
        ])
    }
}

/// Deterministic ids: `event_1`, `resp_1`, `item_1`, … (counted per prefix, per session).
///
/// `names` injects ids: the n-th id of a prefix is `names[prefix][n - 1]` while the list lasts, then
/// the counted form (the sample generator names its items and responses this way).
public struct IDSource: Sendable {
    private var counters: [String: Int] = [:]
    let tag: String
    private let names: [String: [String]]

    public init(tag: String = "", names: [String: [String]] = [:]) {
        self.tag = tag
        self.names = names
    }

    public mutating func next(_ prefix: String) -> String {
        let n = (counters[prefix] ?? 0) + 1
        counters[prefix] = n
        if let given = names[prefix], n <= given.count { return given[n - 1] }
        return "\(prefix)_\(tag)\(String(format: "%04d", n))"
    }
}
