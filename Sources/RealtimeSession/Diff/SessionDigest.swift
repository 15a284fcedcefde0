public import RealtimeProtocol
import RealtimeRecording
public import RealtimeValidation

/// What `rtscope diff` compares of each response, beyond the session model's timings: its
/// event-type sequence, its output items and their parts, its text and transcript, and its
/// function calls' arguments.
///
/// Unlike `SessionModel`, a digest keeps payload text (output text, transcripts, call arguments),
/// so its memory grows with what the assistant said, not with the session's audio (audio deltas
/// are counted, never kept). Types are canonical (beta spelling, through the catalog), so a GA and
/// a beta recording of the same conversation digest alike.
public struct SessionDigest: Sendable {
    public var responses: [ResponseDigest] = []
    /// The user's input transcripts (`conversation.item.input_audio_transcription.completed`), in order.
    public var inputTranscripts: [String] = []

    public init() {}
}

/// One response as the diff sees it.
public struct ResponseDigest: Sendable, Hashable {
    public var id: String
    /// Canonical event types in arrival order, each delta stream once where it starts
    /// (`response.text.delta` × 12 → one entry): how many deltas come, and how an audio and a
    /// transcript stream interleave, vary run to run and are not part of the structure.
    public var events: [String] = []
    public var outputs: [OutputDigest] = []
    /// Concatenated text deltas (or the `.done` text when no delta came).
    public var text = ""
    /// Concatenated audio transcript deltas (or the `.done` transcript when no delta came).
    public var transcript = ""
    public var status: String?
    public var modalities: [String]?

    public init(id: String) { self.id = id }
}

/// One output item of a response: its type, role or call name, its content parts' types, and a
/// function call's arguments as sent.
public struct OutputDigest: Sendable, Hashable {
    public var type: String?
    public var role: String?
    public var name: String?
    public var callID: String?
    public var itemID: String?
    /// Content part types in order (`text`, `audio`).
    public var parts: [String] = []
    /// `response.function_call_arguments.done`'s `arguments`, verbatim.
    public var arguments: String?

    public init(type: String?, role: String?, name: String?, callID: String?, itemID: String?) {
        self.type = type
        self.role = role
        self.name = name
        self.callID = callID
        self.itemID = itemID
    }
}

/// Builds a `SessionDigest` from the decoded events the validator takes, one at a time.
///
/// Sans-I/O, fed in the same pass as `SessionModelBuilder`. Client events are ignored: the diff compares what the
/// server answered to the same client.
public struct SessionDigestBuilder {
    private let catalog: EventCatalog
    private var digest = SessionDigest()
    private var index: [String: Int] = [:]
    private var sawTextDelta: Set<Int> = []
    private var sawTranscriptDelta: Set<Int> = []

    public init(catalog: EventCatalog = .standard) { self.catalog = catalog }

    public mutating func consume(_ event: ValidatorEvent) {
        guard event.direction == .serverToClient, let object = event.object, let raw = object["type"]?.string else {
            return
        }
        let type = catalog.canonicalName(of: raw)
        if type == "conversation.item.input_audio_transcription.completed" {
            digest.inputTranscripts.append(object["transcript"]?.string ?? "")
            return
        }
        if type == "response.created", let id = object.string(at: "response.id") {
            var response = ResponseDigest(id: id)
            if let m = object.value(at: "response.modalities") ?? object.value(at: "response.output_modalities") {
                response.modalities = m.children.compactMap(\.string)
            }
            index[id] = digest.responses.count
            digest.responses.append(response)
        }
        guard let id = object["response_id"]?.string ?? object.string(at: "response.id"), let k = index[id] else {
            return
        }
        let isDelta = type.hasSuffix(".delta")
        if !isDelta || !digest.responses[k].events.contains(type) { digest.responses[k].events.append(type) }
        response(k, type, object)
    }

    private mutating func response(_ k: Int, _ type: String, _ event: JSONValue) {
        switch type {
        case "response.text.delta":
            sawTextDelta.insert(k)
            digest.responses[k].text += event["delta"]?.string ?? ""
        case "response.text.done":
            if !sawTextDelta.contains(k) { digest.responses[k].text += event["text"]?.string ?? "" }
        case "response.audio_transcript.delta":
            sawTranscriptDelta.insert(k)
            digest.responses[k].transcript += event["delta"]?.string ?? ""
        case "response.audio_transcript.done":
            if !sawTranscriptDelta.contains(k) { digest.responses[k].transcript += event["transcript"]?.string ?? "" }
        case "response.output_item.added":
            digest.responses[k].outputs.append(
                OutputDigest(
                    type: event.string(at: "item.type"), role: event.string(at: "item.role"),
                    name: event.string(at: "item.name"), callID: event.string(at: "item.call_id"),
                    itemID: event.string(at: "item.id")))
        case "response.content_part.added":
            if let o = output(k, event) {
                digest.responses[k].outputs[o].parts.append(event.string(at: "part.type") ?? "?")
            }
        case "response.function_call_arguments.done":
            if let o = output(k, event) {
                digest.responses[k].outputs[o].arguments = event["arguments"]?.string
                if digest.responses[k].outputs[o].name == nil {
                    digest.responses[k].outputs[o].name = event["name"]?.string
                }
            }
        case "response.done":
            digest.responses[k].status = event.string(at: "response.status")
        default: break
        }
    }

    /// The output an event belongs to: by item id, else by `output_index`, else the last one.
    private func output(_ k: Int, _ event: JSONValue) -> Int? {
        let outputs = digest.responses[k].outputs
        if let item = event["item_id"]?.string, let o = outputs.lastIndex(where: { $0.itemID == item }) { return o }
        if let i = event["output_index"]?.int, outputs.indices.contains(i) { return i }
        return outputs.indices.last
    }

    public func finish() -> SessionDigest { digest }
}

/// Everything `rtscope diff` reads of one recording, from one pass over the file.
public struct DiffSide: Sendable {
    public let path: String
    public let model: SessionModel
    public let digest: SessionDigest
    /// The rule id of every validation finding, in line order.
    public let findings: [String]

    public init(path: String, model: SessionModel, digest: SessionDigest, findings: [String]) {
        self.path = path
        self.model = model
        self.digest = digest
        self.findings = findings
    }

    /// Reads `path` once: validator, session model and digest consume the same frames.
    /// - Throws: `RecordingError` when the input cannot be opened, read or imported.
    public static func load(_ path: String) throws -> DiffSide {
        var builder = SessionModelBuilder(keepsAudioChunks: false)
        var digest = SessionDigestBuilder()
        let report = try ValidationRun.validate(path: path) { event in
            builder.consume(event)
            digest.consume(event)
        }
        return DiffSide(
            path: path, model: builder.finish(header: report.header), digest: digest.finish(),
            findings: report.findings.map(\.rule))
    }
}
