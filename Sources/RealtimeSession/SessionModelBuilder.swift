public import RealtimeProtocol
public import RealtimeRecording
public import RealtimeValidation

/// Builds a `SessionModel` from decoded events, one at a time (sans-I/O).
///
/// `consume(_:)` takes the same `ValidatorEvent` values the validator takes, so one read of a
/// file feeds both (`SessionModel.load`); `finish()` returns the model. GA names are mapped to
/// their beta counterparts through the catalog first, so both dialects build the same model.
///
/// Matching rules (stated here because views and metrics rely on them):
/// - a `response.created` answers the oldest client `response.create` not yet answered;
/// - it also answers the latest committed voice turn that has no response yet;
/// - input audio appended since the previous commit or clear belongs to the item `committed` names;
/// - a barge-in is a `speech_started` while a response's audio is arriving or still playing
///   (its first audio plus its audio's duration at the output format's rate), and the assistant
///   yields at the first of: that response's `response.done` (cancelled), `output_audio_buffer.cleared`,
///   or the client's truncate.
public struct SessionModelBuilder {
    private let catalog: EventCatalog
    private var model = SessionModel()
    private var pendingCreates: [Moment] = []
    private var responseIndex: [String: Int] = [:]
    /// Canonical type names by a hash of the type's bytes (a session uses a few dozen types), with the output
    /// delta each names (nil for the rest), so the deltas, most of a session's events, skip the switch over names.
    private var typeNames: [UInt64: (name: String, delta: Delta?)] = [:]
    /// The response the last delta named, by a hash of its id's bytes (deltas come in runs).
    private var lastResponse: (hash: UInt64, index: Int)?
    /// Index of the first input chunk not yet assigned to a committed item.
    private var uncommitted = 0
    /// The current output format and its bytes per millisecond (pcm16 at 24 kHz: 48).
    private var outputFormat = AudioFormat.pcm16
    private var outputBytesPerMs = 48.0
    /// Responses whose audio has not yet become audible: the detector and where the next chunk
    /// would start playing (microseconds).
    private var silenceProbes: [Int: (probe: LeadingSilence, playheadUs: Int64)] = [:]
    /// Decoded audio of the chunk being probed (reused).
    private var audioScratch: [UInt8] = []
    /// The response whose audio the client is playing (WebRTC `output_audio_buffer.started`).
    private var bufferPlaying: String?
    /// The conversation as it evolves (`SessionModel.conversation`).
    private var conversation: ConversationBuilder

    /// Whether every audio chunk is kept (`SessionModel.audio`); a live recorder turns this off so
    /// its memory does not grow with the session's audio (responses still count their bytes).
    private let keepsAudioChunks: Bool
    /// The index in `responses` of the response the last consumed event finished (its
    /// `response.done`), else nil: a live view prints one line per finished turn from it.
    public private(set) var finishedResponse: Int?

    /// Whether the conversation is built (`SessionModel.conversation`); off, it stays empty and costs nothing.
    private let keepsConversation: Bool

    /// - Parameter keepsConversation: true for views that show the conversation (the timeline). It costs memory that
    ///   grows with items and text deltas (see `ConversationLog`), so the live recorder, stats, diff and export, which
    ///   do not read it, leave it off.
    public init(
        catalog: EventCatalog = .standard, timed: Bool = true, dialect: Dialect? = nil, keepsAudioChunks: Bool = true,
        keepsConversation: Bool = false
    ) {
        self.catalog = catalog
        self.keepsAudioChunks = keepsAudioChunks
        self.keepsConversation = keepsConversation
        conversation = ConversationBuilder(catalog: catalog)
        model.timed = timed
        model.dialect = dialect
    }

    /// The conversation as it stands (without copying the rest of the model).
    public var conversationLog: ConversationLog { conversation.log }

    /// The turns so far (without assembling the whole model).
    public var turns: [VoiceTurn] { model.turns }

    /// The model as it stands (live views read it between events).
    public var current: SessionModel {
        var result = model
        result.conversation = conversation.log
        return result
    }

    /// Takes one frame.
    ///
    /// Cost: one hash of the type's bytes and one dictionary hit per event once its type has been
    /// seen (the catalog is asked once per distinct type), plus the ids an event of interest carries; output
    /// deltas then go straight to `outputDelta`, without comparing type names.
    public mutating func consume(_ event: ValidatorEvent) {
        finishedResponse = nil
        guard let object = event.object, let typeValue = object["type"] else { return }
        let at = Moment(line: event.line, tUs: event.tUs)
        let type: String
        let delta: Delta?
        let hash = typeValue.bytesHash
        if let known = typeNames[hash] {
            (type, delta) = known
        } else {
            guard let raw = typeValue.string else { return }
            type = canonical(raw)
            delta = Delta(type)
            typeNames[hash] = (type, delta)
        }
        if keepsConversation {
            conversation.consume(type: type, typeHash: hash, object, event: event.index - 1, at: at)
        }
        if let delta, event.direction == .serverToClient {
            model.serverEvents += 1
            outputDelta(delta, object, at)
        } else if event.direction == .clientToServer {
            model.clientEvents += 1
            client(type, object, at)
        } else {
            model.serverEvents += 1
            server(type, object, at)
        }
    }

    /// The beta spelling of a type's current name (GA and January 2025 names mapped through the
    /// catalog); notes the dialect the first time a dialect-only name appears.
    private mutating func canonical(_ raw: String) -> String {
        if model.dialect == nil, let only = catalog.dialectOnly(raw) { model.dialect = only }
        return catalog.canonicalName(of: raw)
    }

    /// The model of everything consumed.
    ///
    /// - Parameter header: the recording's header, when known only after the frames were
    ///   consumed: it says whether the source was timed, and its declared dialect wins.
    public func finish(header: RecordingHeader? = nil) -> SessionModel {
        var result = current
        if let header {
            if header.imported?.timed == false { result.timed = false }
            if let dialect = header.dialect { result.dialect = dialect }
        }
        return result
    }

    // MARK: - Client events

    private mutating func client(_ type: String, _ event: JSONValue, _ at: Moment) {
        switch type {
        case "session.update": formats(event["session"], at)
        case "input_audio_buffer.append":
            guard keepsAudioChunks else { return }
            model.audio.append(
                AudioChunk(source: .input, at: at, base64Length: event["audio"]?.byteCount ?? 0, itemID: nil))
        case "input_audio_buffer.clear": uncommitted = model.audio.count
        case "response.create": pendingCreates.append(at)
        case "conversation.item.truncate":
            let item = event["item_id"]?.string
            if let k = model.bargeIns.indices.last, model.bargeIns[k].truncate == nil {
                model.bargeIns[k].truncate = at
                model.bargeIns[k].truncateItemID = item
                model.bargeIns[k].audioEndMs = event["audio_end_ms"]?.int
                if model.bargeIns[k].yielded == nil { model.bargeIns[k].yielded = at }
            }
        case "conversation.item.create":
            guard event.string(at: "item.type") == "function_call_output", let call = event.string(at: "item.call_id"),
                let k = model.toolCalls.lastIndex(where: { $0.callID == call })
            else { return }
            if model.toolCalls[k].output == nil { model.toolCalls[k].output = at }
        default: break
        }
    }

    // MARK: - Server events

    /// The server's output deltas (canonical, beta names), told apart once per distinct type.
    enum Delta {
        case text, transcript, arguments, audio

        init?(_ type: String) {
            switch type {
            case "response.text.delta": self = .text
            case "response.audio_transcript.delta": self = .transcript
            case "response.function_call_arguments.delta": self = .arguments
            case "response.audio.delta": self = .audio
            default: return nil
            }
        }
    }

    private mutating func outputDelta(_ delta: Delta, _ event: JSONValue, _ at: Moment) {
        if delta == .audio { return audioDelta(event, at) }
        guard let k = response(value: event["response_id"]) else { return }
        if model.responses[k].firstDelta == nil { model.responses[k].firstDelta = at }
        if delta == .text, model.responses[k].firstText == nil { model.responses[k].firstText = at }
        if delta == .transcript, model.responses[k].firstTranscript == nil { model.responses[k].firstTranscript = at }
    }

    private mutating func server(_ type: String, _ event: JSONValue, _ at: Moment) {
        switch type {
        // The output deltas went to `outputDelta` (see `consume`).
        case "session.created", "session.updated":
            if let name = event.string(at: "session.model") { model.model = name }
            formats(event["session"], at)
        case "input_audio_buffer.speech_started": speechStarted(event, at)
        case "input_audio_buffer.speech_stopped":
            let item = event["item_id"]?.string
            if let k = turn(item) {
                model.turns[k].speechStopped = at
                model.turns[k].audioEndMs = event["audio_end_ms"]?.int
            }
        case "input_audio_buffer.committed": committed(event["item_id"]?.string, at)
        case "conversation.item.input_audio_transcription.completed":
            if let k = turn(event["item_id"]?.string, exact: true) { model.turns[k].transcriptionCompleted = at }
        case "conversation.item.input_audio_transcription.failed":
            if let k = turn(event["item_id"]?.string, exact: true) { model.turns[k].transcriptionFailed = at }
        case "response.created": responseCreated(event, at)
        case "response.output_item.added":
            guard let k = response(event["response_id"]?.string) else { return }
            model.responses[k].outputs.append(
                Response.Output(
                    itemID: event.string(at: "item.id"), type: event.string(at: "item.type"),
                    name: event.string(at: "item.name"), callID: event.string(at: "item.call_id"), added: at))
        case "response.function_call_arguments.done":
            guard let call = event["call_id"]?.string else { return }
            model.toolCalls.append(
                ToolCall(
                    callID: call, name: event["name"]?.string, responseID: event["response_id"]?.string,
                    argumentsDone: at))
        case "response.done": responseDone(event, at)
        case "output_audio_buffer.started":
            bufferPlaying = event["response_id"]?.string ?? model.responses.last?.id
        case "output_audio_buffer.stopped": bufferPlaying = nil
        case "output_audio_buffer.cleared":
            bufferPlaying = nil
            if let k = model.bargeIns.indices.last, model.bargeIns[k].yielded == nil { model.bargeIns[k].yielded = at }
        case "error":
            model.errors.append(
                ServerError(at: at, code: event.string(at: "error.code"), message: event.string(at: "error.message")))
        default: break
        }
    }

    private mutating func speechStarted(_ event: JSONValue, _ at: Moment) {
        var turn = VoiceTurn(itemID: event["item_id"]?.string, speechStarted: at)
        turn.audioStartMs = event["audio_start_ms"]?.int
        model.turns.append(turn)
        if let playing = respondingOrPlaying(at) {
            model.bargeIns.append(BargeIn(speechStarted: at, responseID: playing))
        }
    }

    /// The response whose audio is arriving or playing at `at`, if any.
    private func respondingOrPlaying(_ at: Moment) -> String? {
        if let playing = bufferPlaying { return playing }
        guard let last = model.responses.last, let first = last.firstAudio else { return nil }
        if last.done == nil { return last.id }
        let playedUntil = Double(first.tUs) + Double(last.audioBytes) / outputBytesPerMs * 1000
        return Double(at.tUs) < playedUntil ? last.id : nil
    }

    private mutating func committed(_ item: String?, _ at: Moment) {
        let k: Int
        if let found = turn(item, exact: true), model.turns[found].committed == nil {
            k = found
        } else {
            model.turns.append(VoiceTurn(itemID: item, speechStarted: nil))  // a manual commit
            k = model.turns.count - 1
        }
        model.turns[k].committed = at
        for i in uncommitted..<model.audio.count where model.audio[i].source == .input { model.audio[i].itemID = item }
        uncommitted = model.audio.count
    }

    private mutating func responseCreated(_ event: JSONValue, _ at: Moment) {
        guard let id = event.string(at: "response.id") else { return }
        var response = Response(id: id, created: at)
        if !pendingCreates.isEmpty { response.requested = pendingCreates.removeFirst() }
        if let k = model.turns.lastIndex(where: { $0.committed != nil }), model.turns[k].responseID == nil {
            response.turn = k
            model.turns[k].responseID = id
        }
        if let modalities = event.value(at: "response.modalities") ?? event.value(at: "response.output_modalities") {
            response.modalities = modalities.children.compactMap(\.string)
        }
        for k in model.toolCalls.indices
        where model.toolCalls[k].output != nil && model.toolCalls[k].nextResponse == nil {
            model.toolCalls[k].nextResponse = at
        }
        responseIndex[id] = model.responses.count
        model.responses.append(response)
    }

    private mutating func audioDelta(_ event: JSONValue, _ at: Moment) {
        let audio = event["delta"]
        let length = audio?.byteCount ?? 0
        if keepsAudioChunks {
            model.audio.append(
                AudioChunk(
                    source: .output, at: at, base64Length: length, itemID: event["item_id"]?.string,
                    responseID: event["response_id"]?.string, contentIndex: event["content_index"]?.int))
        }
        guard let k = response(value: event["response_id"]) else { return }
        if model.responses[k].firstDelta == nil { model.responses[k].firstDelta = at }
        if model.responses[k].firstAudio == nil { model.responses[k].firstAudio = at }
        model.responses[k].lastAudio = at
        let before = model.responses[k].audioBytes
        model.responses[k].audioBytes += length / 4 * 3
        if model.responses[k].firstAudible == nil, let audio {
            probeAudibility(k, audio, before: before, at)
        }
    }

    /// Feeds a response's chunk to its leading-silence detector until the audio becomes audible.
    private mutating func probeAudibility(_ k: Int, _ base64: JSONValue, before: Int, _ at: Moment) {
        var entry = silenceProbes[k] ?? (LeadingSilence(format: outputFormat), at.tUs)
        let start = max(at.tUs, entry.playheadUs)
        let chunkMs = Double(model.responses[k].audioBytes - before) / outputBytesPerMs
        if let silence = entry.probe.feed(base64: base64, scratch: &audioScratch) {
            let intoChunk = max(0, silence - Double(before) / outputBytesPerMs)
            model.responses[k].leadingSilenceMs = silence
            model.responses[k].firstAudible = Moment(line: at.line, tUs: start.plusMilliseconds(intoChunk))
            silenceProbes[k] = nil
            return
        }
        entry.playheadUs = start.plusMilliseconds(chunkMs)
        silenceProbes[k] = entry
    }

    private mutating func responseDone(_ event: JSONValue, _ at: Moment) {
        guard let k = response(event.string(at: "response.id")) else { return }
        model.responses[k].done = at
        silenceProbes[k] = nil
        finishedResponse = k
        let status = event.string(at: "response.status")
        model.responses[k].status = status
        model.responses[k].reason =
            event.string(at: "response.status_details.reason") ?? event.string(at: "response.status_details.error.code")
        if status == "cancelled", let b = model.bargeIns.lastIndex(where: { $0.responseID == model.responses[k].id }),
            model.bargeIns[b].yielded == nil
        {
            model.bargeIns[b].yielded = at
        }
        guard let usage = event.value(at: "response.usage"), usage.isObject else { return }
        var u = Usage()
        u.inputTokens = usage.int(at: "input_tokens") ?? 0
        u.outputTokens = usage.int(at: "output_tokens") ?? 0
        u.inputTextTokens = usage.int(at: "input_token_details.text_tokens") ?? 0
        u.inputAudioTokens = usage.int(at: "input_token_details.audio_tokens") ?? 0
        u.cachedTokens = usage.int(at: "input_token_details.cached_tokens") ?? 0
        u.cachedTextTokens = usage.int(at: "input_token_details.cached_tokens_details.text_tokens") ?? 0
        u.cachedAudioTokens = usage.int(at: "input_token_details.cached_tokens_details.audio_tokens") ?? 0
        u.outputTextTokens = usage.int(at: "output_token_details.text_tokens") ?? 0
        u.outputAudioTokens = usage.int(at: "output_token_details.audio_tokens") ?? 0
        model.responses[k].usage = u
        model.usage = model.usage + u
    }

    // MARK: - Formats and lookups

    private mutating func formats(_ session: JSONValue?, _ at: Moment) {
        guard let session else { return }
        let (input, output) = AudioFormat.named(in: session)
        guard input != nil || output != nil else { return }
        let change = FormatChange(at: at, input: input?.name, output: output?.name, rate: output?.rate)
        if model.formatChanges.last.map({ ($0.input, $0.output, $0.rate) != (change.input, change.output, change.rate) }
        )
            ?? true
        {
            model.formatChanges.append(change)
        }
        if let output {
            outputFormat = output
            outputBytesPerMs = output.bytesPerMs
        }
    }

    private func response(_ id: String?) -> Int? { id.flatMap { responseIndex[$0] } }

    /// The response a delta names, without decoding the id when it is the same as the last one's.
    private mutating func response(value: JSONValue?) -> Int? {
        guard let value else { return nil }
        let hash = value.bytesHash
        if let last = lastResponse, last.hash == hash { return last.index }
        guard let k = response(value.string) else { return nil }
        lastResponse = (hash, k)
        return k
    }

    /// The voice turn of `item` (the latest one when the item is unknown and `exact` is false).
    private func turn(_ item: String?, exact: Bool = false) -> Int? {
        if let item, let k = model.turns.lastIndex(where: { $0.itemID == item }) { return k }
        return exact ? nil : model.turns.indices.last
    }
}
