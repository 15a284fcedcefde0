/// Byte-level JSON helpers that keep key order and number spelling exactly (unlike a decode/encode round trip).
///
/// Inputs must already be valid JSON.
enum JSONBytes {
    /// `bytes` without insignificant whitespace (outside strings).
    static func minify(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var inString = false
        var escaped = false
        for b in bytes {
            if inString {
                out.append(b)
                if escaped {
                    escaped = false
                } else if b == UInt8(ascii: "\\") {
                    escaped = true
                } else if b == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if b == UInt8(ascii: "\"") {
                inString = true
                out.append(b)
            } else if b != 0x20, b != 0x09, b != 0x0A, b != 0x0D {
                out.append(b)
            }
        }
        return out
    }

    /// The byte ranges of the elements of a top-level JSON array (`bytes` minified or not).
    static func arrayElements(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var depth = 0
        var inString = false
        var escaped = false
        var start: Int?
        for (i, b) in bytes.enumerated() {
            if inString {
                if escaped {
                    escaped = false
                } else if b == UInt8(ascii: "\\") {
                    escaped = true
                } else if b == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch b {
            case UInt8(ascii: "\""):
                inString = true
                if depth == 1, start == nil { start = i }
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                if depth == 1, start == nil { start = i }
                depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
                if depth == 0, let s = start {
                    ranges.append(s..<trimEnd(bytes, s, i))
                    start = nil
                }
            case UInt8(ascii: ","):
                if depth == 1, let s = start {
                    ranges.append(s..<trimEnd(bytes, s, i))
                    start = nil
                }
            case 0x20, 0x09, 0x0A, 0x0D:
                break
            default:
                if depth == 1, start == nil { start = i }
            }
        }
        return ranges
    }

    private static func trimEnd(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int {
        var e = end
        while e > start, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[e - 1]) { e -= 1 }
        return e
    }
}
