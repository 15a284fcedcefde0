public import RealtimeProtocol
public import RealtimeRecording

/// One Realtime session as the views read it: responses, voice turns, tool calls, barge-ins,
/// audio chunks and usage, every moment on the recording's one clock.
///
/// Built by `SessionModelBuilder` from the same decoded events the validator consumes, in one
/// pass. It holds positions, timings, ids and counts, never audio: an audio chunk is a line
/// number and a byte count; the conversation keeps each text up to `CappedText.limit` bytes. Memory grows with the number of
/// responses, turns and audio chunks (about 40 bytes each), not with the bytes of the session.
///
/// Times are microseconds since the recording started (`t_us`). A recording imported from a log
/// without timestamps has `timed == false`: every moment then carries `t_us` 0 and no duration
/// may be derived from it (views show "unavailable", never 0).
public struct SessionModel: Sendable {
    /// Whether the source carried timestamps (false for imports of untimed logs).
    public var timed = true
    public var dialect: Dialect?
    /// The model the server reported in `session.created` / `session.updated`.
    public var model: String?
    /// The audio formats in force, with the line from which each applies (session.update / updated).
    public var formatChanges: [FormatChange] = []
    public var responses: [Response] = []
    public var turns: [VoiceTurn] = []
    public var toolCalls: [ToolCall] = []
    public var bargeIns: [BargeIn] = []
    /// Every audio chunk in recording order: input appends and output deltas.
    public var audio: [AudioChunk] = []
    /// Server `error` events.
    public var errors: [ServerError] = []
    /// The sum of every `response.done` usage.
    public var usage = Usage()
    /// The conversation as it evolves: items, and every change tagged with its event (see `ConversationLog`).
    public var conversation = ConversationLog()
    /// Frames seen, by direction.
    public var clientEvents = 0
    public var serverEvents = 0

    public init() {}

    /// The response with this id (the last one when a server reused an id).
    public func response(_ id: String) -> Response? { responses.last { $0.id == id } }
}

/// A point in the recording: its JSONL line and its time.
public struct Moment: Sendable, Hashable {
    /// 1-based JSONL line.
    public let line: Int
    /// Microseconds since the recording started.
    public let tUs: Int64

    public init(line: Int, tUs: Int64) {
        self.line = line
        self.tUs = tUs
    }

    /// Milliseconds from `self` to `later` (negative when `later` is earlier).
    public func milliseconds(to later: Moment) -> Double { (Double(later.tUs) - Double(tUs)) / 1000 }
}

/// One response, from `response.created` to `response.done`.
public struct Response: Sendable {
    public let id: String
    public let created: Moment
    /// What asked for it: the client's `response.create` (matched first in, first out), if any.
    public var requested: Moment?
    /// The voice turn whose commit it answers (server VAD), as an index into `SessionModel.turns`.
    public var turn: Int?
    public var done: Moment?
    /// `completed`, `cancelled`, `failed`, `incomplete` (from `response.done`).
    public var status: String?
    /// `status_details.reason` or `status_details.error.code`.
    public var reason: String?
    /// First delta of any kind, and of each kind.
    public var firstDelta: Moment?
    public var firstText: Moment?
    public var firstAudio: Moment?
    public var firstTranscript: Moment?
    public var lastAudio: Moment?
    /// When the first audible 10 ms of output audio played (`LeadingSilence`), for a client that
    /// plays each chunk as it arrives or when the previous one ends; its line is the chunk's.
    public var firstAudible: Moment?
    /// Output audio before the first audible frame, in milliseconds.
    public var leadingSilenceMs: Double?
    /// Output items in order: id, type (`message`, `function_call`), name for calls.
    public var outputs: [Output] = []
    /// Decoded bytes of output audio (base64 length × 3 / 4, padding aside).
    public var audioBytes = 0
    public var usage: Usage?
    /// Output modalities asked for (`modalities` / `output_modalities`), if the event said.
    public var modalities: [String]?

    public init(id: String, created: Moment) {
        self.id = id
        self.created = created
    }

    public struct Output: Sendable, Hashable {
        public let itemID: String?
        public let type: String?
        public let name: String?
        public let callID: String?
        public let added: Moment
    }
}

/// A user utterance under server VAD: `speech_started` … `speech_stopped` → `committed`, and the
/// response that answered it.
public struct VoiceTurn: Sendable {
    public let itemID: String?
    public let speechStarted: Moment?
    /// `audio_start_ms` / `audio_end_ms` on the session's input-audio clock.
    public var audioStartMs: Int?
    public var speechStopped: Moment?
    public var audioEndMs: Int?
    public var committed: Moment?
    public var transcriptionCompleted: Moment?
    public var transcriptionFailed: Moment?
    /// The response created for this turn.
    public var responseID: String?
}

/// A function call and the client's answer.
public struct ToolCall: Sendable {
    public let callID: String
    public var name: String?
    public let responseID: String?
    /// `response.function_call_arguments.done`.
    public var argumentsDone: Moment?
    /// The client's `conversation.item.create` of a `function_call_output` for this call.
    public var output: Moment?
    /// The next `response.created` after the output.
    public var nextResponse: Moment?
}

/// The user speaking while the assistant's answer is arriving or playing.
public struct BargeIn: Sendable {
    /// The user's `speech_started`.
    public let speechStarted: Moment
    /// The response that was producing or playing audio then.
    public let responseID: String
    /// When the assistant yielded: the response's cancellation (`response.done` cancelled),
    /// `output_audio_buffer.cleared`, or the client's truncate, whichever came first.
    public var yielded: Moment?
    /// The client's `conversation.item.truncate`, with what the user had heard.
    public var truncate: Moment?
    public var truncateItemID: String?
    public var audioEndMs: Int?
}

/// One piece of audio on the wire: where it is, not what it holds.
public struct AudioChunk: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        /// The client's `input_audio_buffer.append`.
        case input
        /// A server output audio delta.
        case output
    }
    public let source: Source
    public let at: Moment
    /// Length of the base64 text; decoded bytes are about 3/4 of it.
    public let base64Length: Int
    /// The item the audio belongs to: the output item for deltas; for input, the item its commit named.
    public var itemID: String?
    public var responseID: String?
    public var contentIndex: Int?
}

/// The audio formats in force from a line on.
public struct FormatChange: Sendable, Hashable {
    public let at: Moment
    /// `pcm16`, `g711_ulaw`, `g711_alaw`, or the GA `audio/pcm`, `audio/pcmu`, `audio/pcma`.
    public let input: String?
    public let output: String?
    /// The GA sample rate, when given.
    public let rate: Int?
}

/// A server `error` event.
public struct ServerError: Sendable, Hashable {
    public let at: Moment
    public let code: String?
    public let message: String?
}

/// Token counts from `response.done.usage`.
public struct Usage: Sendable, Hashable {
    public var inputTokens = 0
    public var outputTokens = 0
    public var inputTextTokens = 0
    public var inputAudioTokens = 0
    /// Cached input tokens: a subset of `inputTokens`, split by modality when the server says.
    public var cachedTokens = 0
    public var cachedTextTokens = 0
    public var cachedAudioTokens = 0
    public var outputTextTokens = 0
    public var outputAudioTokens = 0

    public init() {}

    public static func + (a: Usage, b: Usage) -> Usage {
        var sum = a
        sum.inputTokens += b.inputTokens
        sum.outputTokens += b.outputTokens
        sum.inputTextTokens += b.inputTextTokens
        sum.inputAudioTokens += b.inputAudioTokens
        sum.cachedTokens += b.cachedTokens
        sum.cachedTextTokens += b.cachedTextTokens
        sum.cachedAudioTokens += b.cachedAudioTokens
        sum.outputTextTokens += b.outputTextTokens
        sum.outputAudioTokens += b.outputAudioTokens
        return sum
    }
}
