import Foundation
public import RealtimeProtocol

/// The first line of a recording: what it is, who wrote it, and how the connection was made.
///
/// Format v1 (docs/recording-format.md). Unknown keys are ignored when reading, so later tools
/// can add fields; a newer `version` is read as v1 with a warning (see `RecordingFormat`).
/// The handshake never holds secrets: the writer's callers redact before they build it.
public struct RecordingHeader: Sendable, Equatable, Codable {
    public static let formatName = "rtscope-recording"

    /// Whether `line` (valid JSON or not) looks like a header line.
    ///
    /// It does when it starts with `{"format":` or holds `"rtscope-recording"`: two independent marks, so one damaged
    /// byte leaves at least one of them.
    public static func looksLikeHeader(_ line: some Collection<UInt8>) -> Bool {
        let start = Array("{\"format\":".utf8)
        let name = Array("\"\(formatName)\"".utf8)
        var bytes = Array(line.prefix(4096))
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if bytes.starts(with: start) { return true }
        guard bytes.count >= name.count else { return false }
        return (0...(bytes.count - name.count)).contains { bytes[$0..<($0 + name.count)].elementsEqual(name) }
    }

    /// Always `formatName`.
    public var format: String
    /// The format version this file was written in.
    public var version: Int
    /// Wall-clock creation time, ISO 8601 UTC.
    public var created: String
    /// The writing tool and its version, for example `"rtscope 0.1.0"`.
    public var tool: String
    /// `proxy`, `import`, `simulated` or `synthetic`.
    public var source: String
    /// Connection id (also on every frame).
    public var conn: String?
    /// The upstream URL with credentials removed.
    public var upstream: String?
    /// The dialect when known.
    public var dialect: Dialect?
    public var handshake: Handshake?
    /// What was removed before writing (for example `"header:api-key"`, `"query:api-key"`).
    public var redacted: [String]?
    /// Where an imported recording came from.
    public var imported: ImportInfo?
    /// Free text: how the recording was made (samples say so here).
    public var note: String?
    /// For a connection split by `rtscope record --rotate-size`: this file's part number (2, 3, …;
    /// absent on the first part) and the file name of the part before it.
    public var part: Int?
    public var previous: String?

    enum CodingKeys: String, CodingKey {
        case format, version, created, tool, source, conn, upstream, dialect, handshake, redacted, note, part, previous
        case imported = "import"
    }

    public init(
        created: String, tool: String = RecordingFormat.toolName, source: String, conn: String? = nil,
        upstream: String? = nil, dialect: Dialect? = nil, handshake: Handshake? = nil, redacted: [String]? = nil,
        imported: ImportInfo? = nil, note: String? = nil
    ) {
        self.format = Self.formatName
        self.version = RecordingFormat.currentVersion
        self.created = created
        self.tool = tool
        self.source = source
        self.conn = conn
        self.upstream = upstream
        self.dialect = dialect
        self.handshake = handshake
        self.redacted = redacted
        self.imported = imported
        self.note = note
    }

    /// The header as one JSON line (no newline), `format` and `version` first, other keys sorted.
    public func encodedLine() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Drop format/version from the sorted body and put them first for humans and sniffers.
        let body = try JSON(parsing: [UInt8](encoder.encode(self)))
        let members = (body.keysSorted.object ?? []).filter { $0.0 != "format" && $0.0 != "version" }
        var rest: [UInt8] = []
        JSON.object(members).append(to: &rest)
        var line = Array("{\"format\":\"\(Self.formatName)\",\"version\":\(version)".utf8)
        if rest.count > 2 {
            line.append(UInt8(ascii: ","))
            line.append(contentsOf: rest.dropFirst())
        } else {
            line.append(UInt8(ascii: "}"))
        }
        return line
    }
}

/// The HTTP upgrade as seen by the recorder (secrets removed).
public struct Handshake: Sendable, Equatable, Codable {
    public var request: HTTPHead?
    public var response: HTTPHead?
    /// The negotiated `Sec-WebSocket-Protocol`, if any.
    public var subprotocol: String?

    public init(request: HTTPHead? = nil, response: HTTPHead? = nil, subprotocol: String? = nil) {
        self.request = request
        self.response = response
        self.subprotocol = subprotocol
    }
}

/// Selected parts of an HTTP request or response head.
public struct HTTPHead: Sendable, Equatable, Codable {
    public var method: String?
    public var path: String?
    public var status: Int?
    /// Header name (lower-cased) → value; repeated headers are joined with ", ".
    public var headers: [String: String]
    /// The body of a refused upgrade (first 4 KiB, as text), so a 401 or 429 keeps its reason.
    public var body: String?

    public init(
        method: String? = nil, path: String? = nil, status: Int? = nil, headers: [String: String] = [:],
        body: String? = nil
    ) {
        self.method = method
        self.path = path
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Provenance of an imported recording.
public struct ImportInfo: Sendable, Equatable, Codable {
    /// `har`, `json-array` or `jsonl-events`.
    public var from: String
    /// The source file's name (not its full path).
    public var file: String?
    /// For HAR: the index of the entry in `log.entries`.
    public var entry: Int?
    /// Whether the source carried timestamps (when not, every `t_us` is 0).
    public var timed: Bool

    public init(from: String, file: String? = nil, entry: Int? = nil, timed: Bool) {
        self.from = from
        self.file = file
        self.entry = entry
        self.timed = timed
    }
}
