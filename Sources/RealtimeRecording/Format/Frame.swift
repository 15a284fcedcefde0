public import RealtimeProtocol

/// A WebSocket opcode as recordings name it.
public enum Opcode: String, Sendable, Hashable, CaseIterable, Codable {
    case text, binary, close, ping, pong
    /// A continuation frame of a fragmented message (its payload is kept as base64).
    case cont
    /// Not a frame: a transport error an importer found in someone else's log (HAR `type: "error"`).
    case error
}

/// One recorded WebSocket frame, owned (decoded from, or to be encoded to, one recording line).
public struct Frame: Sendable, Hashable {
    /// 1-based sequence number within the recording.
    public var seq: Int
    /// Monotonic time since the recording started, in microseconds.
    public var tUs: Int64
    /// Wall-clock time, ISO 8601 UTC with microseconds, when known.
    public var wall: String?
    /// Connection id, short and opaque.
    public var conn: String?
    public var direction: Direction
    /// Whether the direction was inferred (by an importer) rather than observed.
    public var directionInferred: Bool
    public var opcode: Opcode
    /// `false` for a frame that a continuation frame follows.
    public var fin: Bool
    /// The payload exactly as it crossed the wire (for `close`: the reason's bytes).
    public var payload: [UInt8]
    /// Close status code, for `close` frames that carry one.
    public var closeCode: Int?
    /// Whether secrets were replaced in `payload` (`PayloadRedactor`), so it is no longer byte for byte.
    public var redacted = false

    public init(
        seq: Int, tUs: Int64, wall: String? = nil, conn: String? = nil, direction: Direction,
        directionInferred: Bool = false, opcode: Opcode, fin: Bool = true, payload: [UInt8], closeCode: Int? = nil,
        redacted: Bool = false
    ) {
        self.seq = seq
        self.tUs = tUs
        self.wall = wall
        self.conn = conn
        self.direction = direction
        self.directionInferred = directionInferred
        self.opcode = opcode
        self.fin = fin
        self.payload = payload
        self.closeCode = closeCode
        self.redacted = redacted
    }

    /// A text frame carrying `text`.
    public static func text(
        _ text: String, seq: Int, tUs: Int64, direction: Direction, conn: String? = nil, wall: String? = nil
    ) -> Frame {
        Frame(
            seq: seq, tUs: tUs, wall: wall, conn: conn, direction: direction, opcode: .text, payload: Array(text.utf8))
    }
}
