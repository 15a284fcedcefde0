/// The conversation as it stands at one event: items in order and the responses still open.
///
/// Made by `ConversationLog.snapshot(throughEvent:)`; a value (no store, no log), so a view can keep it and draw
/// from it without reading anything.
public struct ConversationSnapshot: Sendable, Hashable {
    /// The items present, or only the last of them when the snapshot was asked for a tail (see `count`).
    public var items: [ConversationItem] = []
    /// How many items are present (more than `items.count` for a tail).
    public var count = 0
    /// Responses between their `response.created` and `response.done`, in the order they started.
    public var openResponses: [String] = []

    public init(items: [ConversationItem] = [], openResponses: [String] = []) {
        self.items = items
        self.count = items.count
        self.openResponses = openResponses
    }
}

/// One conversation item as it stands at some event.
public struct ConversationItem: Sendable, Hashable {
    public let id: String
    /// The item's type: `message`, `function_call` or `function_call_output`.
    public var type: String
    /// `user`, `assistant`, `system`, or empty for items without a role.
    public var role: String
    /// `in_progress`, `completed`, `incomplete`, or empty when no event said.
    public var status: String
    /// The `previous_item_id` the server named when it created the item (`root` for the first), if any.
    public var previousItemID: String?
    /// Where the item was created.
    public let created: Moment
    /// Content parts by `content_index`, as far as events have shown them.
    public var parts: [ContentPart] = []
    /// A function call's name and call id.
    public var name: String?
    public var callID: String?
    /// A `function_call`'s arguments, or a `function_call_output`'s output.
    public var body: CappedText?
    /// Set when a truncate cut the item's audio (what the user heard, in ms).
    public var truncatedAtMs: Int?

    public init(id: String, type: String, role: String, status: String, created: Moment) {
        self.id = id
        self.type = type
        self.role = role
        self.status = status
        self.created = created
    }

    /// The item's text for one line of a view: its parts' texts or transcripts joined by a space; for an item whose
    /// listed parts have none yet, their types (`[input_audio]`), unless it was truncated (the server drops the
    /// transcript of a truncated item); else a call's arguments or output.
    public var text: String {
        let texts = parts.compactMap { $0.text?.text }
        var joined = texts.joined(separator: " ")
        if texts.isEmpty, truncatedAtMs == nil {
            joined = parts.filter(\.listed).map { "[\($0.type)]" }.joined(separator: " ")
        }
        return joined.isEmpty ? body?.text ?? "" : joined
    }
}

/// One content part of an item.
public struct ContentPart: Sendable, Hashable {
    /// The part's `content_index`.
    public let index: Int
    /// `input_text`, `input_audio`, `text`, `audio`, `output_text`, `output_audio`, … (`audio` when only audio
    /// deltas named it).
    public var type: String
    /// Whether the part was listed in the item's `content` when it was created (such parts show as `[type]` while
    /// they have no text).
    public var listed: Bool
    /// Its text, or its audio's transcript, as it stands (nil: none yet).
    public var text: CappedText?
    /// Where its audio is in the recording (the whole part's, not as of the snapshot's event).
    public var audio: AudioReference?
}

/// Text kept for a part, a call's arguments or an output: at most `limit` UTF-8 bytes, cut at a character boundary.
///
/// `source` says where the full text is, so a view can read it from the store when `isCut`.
public struct CappedText: Sendable, Hashable {
    /// The most UTF-8 bytes kept per text.
    public static let limit = 4096
    /// The text, or its first `limit` bytes.
    public internal(set) var text: String
    /// UTF-8 bytes of the full text as far as it was seen.
    public internal(set) var fullBytes: Int
    public internal(set) var source: TextSource?

    /// Whether `text` holds less than the full text.
    public var isCut: Bool { fullBytes > text.utf8.count }

    init(_ full: String, source: TextSource?) {
        text = ""
        fullBytes = 0
        self.source = source
        append(full)
    }

    /// Adds `piece`, keeping at most `limit` bytes (the rest is only counted).
    mutating func append(_ piece: String) {
        fullBytes += piece.utf8.count
        let room = Self.limit - text.utf8.count
        guard room > 0 else { return }
        if piece.utf8.count <= room {
            text += piece
            return
        }
        var used = 0
        var kept = String.UnicodeScalarView()
        for scalar in piece.unicodeScalars {
            let size = String(scalar).utf8.count
            if used + size > room { break }
            used += size
            kept.append(scalar)
        }
        text += String(kept)
    }

    /// The first `bytes` UTF-8 bytes of `text` (a length the log recorded, always at a character boundary).
    func prefix(bytes: Int) -> CappedText {
        guard bytes < text.utf8.count else { return self }
        var copy = self
        copy.text = String(decoding: text.utf8.prefix(bytes), as: UTF8.self)
        copy.fullBytes = bytes
        return copy
    }
}

/// Where a text came from in the recording.
public enum TextSource: Sendable, Hashable {
    /// One event's string field: its 1-based JSONL line, and the byte range of the string's body (between its
    /// quotes, escapes not decoded) within the event's JSON text (the line's `event` member).
    case field(line: Int, bytes: Range<Int>)
    /// Deltas from `first` to `last` line (`count` of them, the item's and part's delta field concatenated).
    case deltas(first: Int, last: Int, count: Int)
}

/// Where a part's audio is: positions and sizes, never the audio.
public struct AudioReference: Sendable, Hashable {
    /// First and last 1-based line holding some of it.
    public var firstLine: Int
    public var lastLine: Int
    /// How many events hold it (1 for audio inline in an item).
    public var chunks: Int
    /// Base64 text length in all (decoded bytes are about 3/4 of it).
    public var base64Bytes: Int
    /// For audio inline in one event's item: the base64 body's byte range within that event's JSON text.
    public var inline: Range<Int>?

    public init(firstLine: Int, lastLine: Int, chunks: Int, base64Bytes: Int, inline: Range<Int>? = nil) {
        self.firstLine = firstLine
        self.lastLine = lastLine
        self.chunks = chunks
        self.base64Bytes = base64Bytes
        self.inline = inline
    }
}
