#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Removes secrets from event payloads: the one function the recorder and every importer call before a text
/// payload is written.
///
/// What is replaced (string contents become `REDACTED`, quotes kept, so the JSON stays valid and keeps its shape):
/// - every string inside the value of a `client_secret` key (`"client_secret":"…"` or
///   `"client_secret":{"value":"ek_…","expires_at":…}`; numbers and other non-strings are kept);
/// - every string value that starts with `ek_` (an ephemeral key), wherever it is.
///
/// What is not: keys (`sk-…`) or tokens typed into free text (instructions, transcripts, tool arguments), since
/// nothing marks them; strings split over continuation frames.
///
/// Cost: frames without an `_` byte (all base64 audio, most deltas) are ruled out by one pass (`memchr`, or 8-byte
/// words for short payloads); only a payload holding `client_secret` or `"ek_` is walked, and a payload is copied
/// only when something is replaced.
/// Works on any bytes (invalid JSON is walked as far as its strings go, never trapped on).
public enum PayloadRedactor {
    /// What recording headers list in `redacted` when an importer replaced payload secrets.
    public static let headerNote = "payload:client-secret"

    /// Whether `payload` contains `client_secret` or `"ek_`, the only byte patterns `redact` acts on.
    public static func mayHoldSecret(_ payload: UnsafeRawBufferPointer) -> Bool {
        guard let base = payload.baseAddress else { return false }
        let p = base.assumingMemoryBound(to: UInt8.self)
        let n = payload.count
        if n <= wordScanLimit { return mayHoldSecretByWords(p, n) }
        var k = 0
        while k < n, let hit = memchr(p + k, 0x5F, n - k) {  // '_'
            let u = UnsafeRawPointer(p).distance(to: hit)
            if secretPattern(p, n, at: u) { return true }
            k = u + 1
        }
        return false
    }

    /// Payloads up to this size are searched eight bytes at a time, in line.
    ///
    /// A `memchr` call per `_` cost more than the search in a typical 200-byte event (`event_id`, `response_id`, …
    /// hold several). Longer payloads (audio) take `memchr`'s vector loop.
    static let wordScanLimit = 1024

    /// `mayHoldSecret` for a short payload: the `_` bytes of each 8-byte word found with a SWAR zero-byte test.
    static func mayHoldSecretByWords(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var k = 0
        while k + 8 <= n {
            let x = UInt64(littleEndian: UnsafeRawPointer(p + k).loadUnaligned(as: UInt64.self)) ^ 0x5F5F_5F5F_5F5F_5F5F
            // High bit set in each byte of `x` that is zero (and possibly in bytes above one: each is checked).
            var hits = (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
            while hits != 0 {
                let u = k + hits.trailingZeroBitCount / 8
                if p[u] == 0x5F, secretPattern(p, n, at: u) { return true }
                hits &= hits &- 1
            }
            k += 8
        }
        while k < n {
            if p[k] == 0x5F, secretPattern(p, n, at: k) { return true }
            k += 1
        }
        return false
    }

    /// Whether the `_` at `u` is that of `"ek_` or `client_secret`.
    @inline(__always)
    private static func secretPattern(_ p: UnsafePointer<UInt8>, _ n: Int, at u: Int) -> Bool {
        if u >= 3, p[u - 3] == 0x22, p[u - 2] == 0x65, p[u - 1] == 0x6B { return true }  // "ek_
        return u >= 6 && u + 7 <= n && matches(p, u - 6, "client_secret")
    }

    /// `payload` with its secrets replaced, or `nil` when it holds none (the caller then keeps its bytes).
    public static func redact(_ payload: UnsafeRawBufferPointer) -> [UInt8]? {
        guard mayHoldSecret(payload), let base = payload.baseAddress else { return nil }
        let p = base.assumingMemoryBound(to: UInt8.self)
        let n = payload.count
        var out: [UInt8] = []
        var copied = 0  // bytes of `payload` already in `out`
        var containers: [Bool] = []  // true: object
        var expectKey = false
        var lastKeyIsSecret = false
        var secretDepth = Int.max  // strings at this depth or deeper are inside a client_secret value
        var i = 0
        while i < n {
            switch p[i] {
            case 0x22:  // a string: find its closing quote
                let start = i + 1
                var j = start
                while j < n, p[j] != 0x22 {
                    j += p[j] == 0x5C ? 2 : 1
                }
                let end = min(j, n)
                if expectKey, containers.last == true {
                    lastKeyIsSecret = end - start == 13 && matches(p, start, "client_secret")
                } else {
                    let secret =
                        containers.count >= secretDepth || lastKeyIsSecret
                        || (end - start >= 3 && p[start] == 0x65 && p[start + 1] == 0x6B && p[start + 2] == 0x5F)
                    if secret {
                        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: payload[copied..<start]))
                        out.append(contentsOf: Redactor.placeholder.utf8)
                        copied = end
                    }
                    lastKeyIsSecret = false
                }
                i = end + 1
                continue
            case 0x7B, 0x5B:  // { [
                if lastKeyIsSecret, secretDepth == .max { secretDepth = containers.count + 1 }
                lastKeyIsSecret = false
                containers.append(p[i] == 0x7B)
                expectKey = p[i] == 0x7B
            case 0x7D, 0x5D:  // } ]
                _ = containers.popLast()
                if containers.count < secretDepth { secretDepth = .max }
                expectKey = false
            case 0x3A:  // :
                expectKey = false
            case 0x2C:  // ,
                expectKey = containers.last == true
                lastKeyIsSecret = false
            case 0x20, 0x09, 0x0A, 0x0D:
                break
            default:  // a number or literal: a secret key's non-string value is kept
                if !expectKey { lastKeyIsSecret = false }
            }
            i += 1
        }
        guard copied > 0 else { return nil }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: payload[min(copied, n)...]))
        return out
    }

    /// `redact` for an owned payload.
    public static func redact(_ payload: [UInt8]) -> [UInt8]? {
        payload.withUnsafeBytes { redact($0) }
    }

    private static func matches(_ p: UnsafePointer<UInt8>, _ at: Int, _ text: StaticString) -> Bool {
        text.withUTF8Buffer { t in
            for k in 0..<t.count where p[at + k] != t[k] { return false }
            return true
        }
    }
}
