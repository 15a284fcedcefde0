/// Deterministic OpenTelemetry ids for a recording: the same connection and session id give the
/// same trace id, so exporting a file twice (or a live session and its file later) lands in one trace.
///
/// The id is FNV-1a (64-bit) over `"rtscope|" + connection + "|" + session`, taken twice with two
/// different offsets to fill 16 bytes. It is a name, not a secret, and not collision-proof beyond
/// what 128 bits of a non-cryptographic hash give (ample for distinguishing sessions).
public struct TraceIdentity: Sendable, Equatable {
    /// 32 lowercase hex digits.
    public let traceID: String
    /// 16 lowercase hex digits: the span id the session root names as its (remote) parent.
    ///
    /// swift-otel's public API creates span ids itself and takes a trace id only from a parent
    /// context (W3C `traceparent`), so the root carries this derived parent id.
    public let rootParentSpanID: String

    public init(connection: String?, session: String?, fallback: String) {
        let key =
            "rtscope|\(connection ?? "")|\(session ?? "")" + (connection == nil && session == nil ? "|" + fallback : "")
        let high = Self.fnv1a(key, offset: 0xcbf2_9ce4_8422_2325)
        let low = Self.fnv1a(key, offset: 0x6c62_272e_07bb_0142)
        let span = Self.fnv1a(key + "|root", offset: 0xcbf2_9ce4_8422_2325)
        traceID = Self.hex(high == 0 && low == 0 ? 1 : high) + Self.hex(low)
        rootParentSpanID = Self.hex(span == 0 ? 1 : span)
    }

    /// The W3C `traceparent` header value naming the root's parent (sampled).
    public var traceparent: String { "00-\(traceID)-\(rootParentSpanID)-01" }

    static func fnv1a(_ text: String, offset: UInt64) -> UInt64 {
        var hash = offset
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
