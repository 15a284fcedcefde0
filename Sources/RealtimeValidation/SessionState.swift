import RealtimeProtocol
import RealtimeRecording

/// The validator's memory of one session: what is open, what was asked, what exists.
///
/// Everything is keyed by ids (response id → output index → content index, item id, client
/// event id), never by "the current response", because responses, items and parts interleave.
struct SessionState {
    /// A content part of an output item.
    ///
    /// Parts, outputs and responses are objects: the rules change them in place, and the delta fast path keeps the
    /// part a stream is writing to between its deltas.
    final class Part {
        var type: String?
        let addedLine: Int
        var doneLine: Int?
        /// Accumulated deltas by field (`text`, `transcript`), in the order the fields first streamed, as UTF-8.
        ///
        /// A part streams one field, rarely two, so a list beats a dictionary (no hashing per delta); bytes beat a
        /// `String` (a delta's unescaped bytes are appended as they are, with no string made per delta). The bytes
        /// are valid UTF-8: each piece is a string the scanner checked, or the text of a decoded one.
        private var accumulated: [(field: String, bytes: [UInt8])] = []

        /// The accumulated text of each field, in the order the fields first streamed.
        var buffers: [(field: String, text: String)] {
            accumulated.map { ($0.field, String(decoding: $0.bytes, as: UTF8.self)) }
        }

        /// The accumulated text of `field` (`nil` when none streamed).
        func buffer(_ field: String) -> String? {
            accumulated.first { $0.field == field }.map { String(decoding: $0.bytes, as: UTF8.self) }
        }

        /// Appends `text` to `field`'s accumulation.
        func append(_ field: String, _ text: String) {
            var text = text
            text.withUTF8 { add(field, UnsafeRawBufferPointer($0)) }
        }

        /// Appends a string's raw contents (no escapes in them) to `field`'s accumulation, as `append(_:_:)` would
        /// the string made from them: ASCII goes in as it is, anything else through `String(decoding:)`, which
        /// repairs invalid UTF-8 per piece exactly as decoding each delta did.
        func append(_ field: String, raw bytes: UnsafeRawBufferPointer) {
            guard Self.isASCII(bytes) else { return append(field, String(decoding: bytes, as: UTF8.self)) }
            add(field, bytes)
        }

        /// Replaces `field`'s accumulation with `text` (in its place in the order).
        func setBuffer(_ field: String, _ text: String) {
            if let i = accumulated.firstIndex(where: { $0.field == field }) {
                accumulated[i].bytes = Array(text.utf8)
            } else {
                accumulated.append((field, Array(text.utf8)))
            }
        }

        private func add(_ field: String, _ bytes: UnsafeRawBufferPointer) {
            for i in accumulated.indices where accumulated[i].field == field {
                accumulated[i].bytes.append(contentsOf: bytes)
                return
            }
            accumulated.append((field, Array(bytes)))
        }

        /// Whether every byte is below 0x80 (eight at a time).
        private static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
            var i = 0
            while i + 8 <= bytes.count {
                if bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
                i += 8
            }
            while i < bytes.count {
                if bytes[i] >= 0x80 { return false }
                i += 1
            }
            return true
        }

        /// Forgets every accumulation.
        func clearBuffers() { accumulated = [] }
        /// Type-specific done events seen (`response.text.done`, …), by canonical name.
        var typeDone: Set<String> = []
        var audioBytes = 0

        init(type: String?, addedLine: Int) {
            self.type = type
            self.addedLine = addedLine
        }
    }

    /// An output item of a response.
    final class Output {
        let itemID: String?
        let itemType: String?
        let addedLine: Int
        var doneLine: Int?
        var inConversation = false
        var parts: [Int: Part] = [:]
        var nextContentIndex = 0
        var arguments = ""
        var callID: String?
        var name: String?
        var argumentsDone = false

        init(itemID: String?, itemType: String?, addedLine: Int, callID: String?, name: String?) {
            self.itemID = itemID
            self.itemType = itemType
            self.addedLine = addedLine
            self.callID = callID
            self.name = name
        }

        /// Forgets the accumulated text, transcripts and arguments (once nothing can compare
        /// against them: after `response.done`), so memory does not grow with the session's text.
        func releaseContent() {
            arguments = ""
            for part in parts.values { part.clearBuffers() }  // audioBytes stay: truncate checks them
        }
    }

    /// A response of the session.
    ///
    /// A class: the rules and the delta fast path change it in place through one dictionary lookup (or none, when
    /// the fast path's cache names it). Never removed or replaced once created.
    final class Response {
        let id: String
        let createdLine: Int
        /// `false` for out-of-band responses (`conversation_id` null).
        let inDefaultConversation: Bool
        var doneLine: Int?
        var outputs: [Int: Output] = [:]
        var nextOutputIndex = 0

        init(id: String, createdLine: Int, inDefaultConversation: Bool) {
            self.id = id
            self.createdLine = createdLine
            self.inDefaultConversation = inDefaultConversation
        }
    }

    struct Item {
        let id: String
        var type: String?
        var role: String?
        var callID: String?
        let line: Int
        /// Assistant audio parts of a response item: (response id, output index) to find received audio.
        var responseOutput: (String, Int)?
    }

    /// A client event waiting for its answer.
    struct Pending {
        let type: String
        let line: Int
        let index: Int
        let eventID: String?
        let answers: Set<String>
        /// For conversation.item.create with a client-chosen id.
        let itemID: String?
    }

    var sawServerEvent = false
    var sessionCreatedLine: Int?
    /// Effective configuration (last session.created / session.updated `session` object).
    var config: JSONValue?
    /// Recent server event ids, by a 64-bit hash of their bytes (bounded memory; see `RecentIDs`).
    var serverEventIDs = RecentIDs()
    /// Recent client event ids; the tag indexes `clientTypes`.
    var clientEventIDs = RecentIDs()
    /// Client event types, indexed by the tags in `clientEventIDs`.
    var clientTypes: [String] = []
    var clientTypeCodes: [String: UInt32] = [:]

    /// The response.done line of a finished response that is no longer held in full.
    func forgottenDoneLine(_ rid: String) -> Int? { forgottenResponses.entry(of: RecordingIndex.hash(rid.utf8))?.line }

    /// Notes that `rid` finished; forgets the oldest finished response beyond the kept ones.
    mutating func finished(_ rid: String) {
        finishedOrder.append(rid)
        guard finishedOrder.count - finishedHead > Self.keptFinishedResponses else { return }
        let old = finishedOrder[finishedHead]
        finishedHead += 1
        if finishedHead >= 1024 {
            finishedOrder.removeFirst(finishedHead)
            finishedHead = 0
        }
        guard let response = responses.removeValue(forKey: old) else { return }
        _ = forgottenResponses.firstUse(
            of: RecordingIndex.hash(old.utf8), line: response.doneLine ?? response.createdLine)
        for output in response.outputs.values {
            if let item = output.itemID { outputItems.removeValue(forKey: item) }
        }
        if responseOrder.count > 2 * responses.count + 64 { responseOrder.removeAll { responses[$0] == nil } }
    }

    /// The line and event type of a recent client event id.
    func clientEvent(_ hash: UInt64) -> (line: Int, type: String)? {
        guard let entry = clientEventIDs.entry(of: hash) else { return nil }
        return (entry.line, Int(entry.tag) < clientTypes.count ? clientTypes[Int(entry.tag)] : "client event")
    }

    /// Records a client event id used at `line` by `type`; returns the earlier use when it is a repeat.
    mutating func recordClientEvent(_ hash: UInt64, line: Int, type: String) -> (line: Int, type: String)? {
        if let earlier = clientEvent(hash) { return earlier }
        let code: UInt32
        if let known = clientTypeCodes[type] {
            code = known
        } else {
            code = UInt32(clientTypes.count)
            clientTypes.append(type)
            clientTypeCodes[type] = code
        }
        _ = clientEventIDs.firstUse(of: hash, line: line, tag: code)
        return nil
    }
    var dialectEvidence: (dialect: Dialect, line: Int)?
    var reportedDialectMix = false

    var responses: [String: Response] = [:]
    /// Responses in order of creation (finished ones are compacted away now and then).
    var responseOrder: [String] = []
    /// Finished responses still held in full, oldest first (at most `keptFinishedResponses`).
    var finishedOrder: [String] = []
    var finishedHead = 0
    /// Finished responses no longer held: the id's `RecordingIndex.hash` (the same as `JSONValue.bytesHash` of an
    /// unescaped id) → the line of their response.done.
    var forgottenResponses = RecentIDs()
    /// How many finished responses are kept in full (their parts' audio for truncate checks, their items'
    /// indexes); older ones shrink to an entry in `forgottenResponses`, so memory does not grow with responses.
    static let keptFinishedResponses = 256
    var activeDefaultResponse: String?

    var items: [String: Item] = [:]
    /// Output items of responses: item id → (response id, output index), set at output_item.added.
    var outputItems: [String: (response: String, index: Int)] = [:]
    var deletedItems: Set<String> = []
    var callItems: [String: Int] = [:]  // call_id → line of the function_call item
    /// Item ids the server created for commits and VAD turns (not acknowledgements of item.create).
    var bufferItems: Set<String> = []

    var pending: [Pending] = []
    var pendingSessionUpdates: [(line: Int, requested: JSONValue?)] = []
    var functionOutputsAwaitingResponse: [(line: Int, index: Int, callID: String)] = []
    var cancels: [(line: Int, index: Int, responseID: String?)] = []

    /// The input turn's phase index in `ProtocolStateMachine`'s turn table (0: idle), moved by every event the table
    /// names; `speechItem` is the data of a turn that speech_started opened.
    var turnPhase = 0
    var speechItem: (id: String, line: Int, startMs: Int)?
    var lastSpeechStartMs = -1
    var lastCommittedItem: String?
    /// Input transcription deltas by "item_id#content_index".
    var inputTranscripts: [String: String] = [:]
    /// Transcription events for items not (yet) created: item id → first line.
    var earlyTranscriptionItems: [String: (line: Int, index: Int)] = [:]
}
