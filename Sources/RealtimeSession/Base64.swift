import Foundation
import RealtimeProtocol
import RealtimeRecording

/// Base64 for audio fields: decoded in place from an event's bytes, without making a `String` or a `Data`.
///
/// `decode(_:into:)` on a value is the one entry point the export, the level strip and the audibility probe use: it
/// accepts exactly what Foundation's `Data(base64Encoded:)` accepts. The common case (standard alphabet, `=`
/// padding, no escapes, no line breaks) is decoded here; an escaped string (`\/`) or anything the fast decoder
/// refuses is handed to Foundation, whose verdict stands (it takes a few odd forms such as `====`).
enum Base64 {
    static let table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (k, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            t[Int(c)] = UInt8(k)
        }
        return t
    }()

    /// Decodes a base64 string value into `out` (replacing its contents, reusing its storage); false when the value
    /// is not a string or not base64 (`out` is then unspecified).
    static func decode(_ value: JSONValue, into out: inout [UInt8]) -> Bool {
        guard value.kind == .string else { return false }
        if !value.isEscapedString, value.withRawBytes({ decode($0, into: &out) }) { return true }
        // Escapes, or a form the fast path refuses: Foundation decides.
        guard let text = value.string, let data = Data(base64Encoded: text) else { return false }
        out.removeAll(keepingCapacity: true)
        out.append(contentsOf: data)
        return true
    }

    /// Decodes `text` into `out` (replacing its contents); false for anything that is not base64 in its plain form
    /// (length a multiple of 4, at most two `=` at the end).
    static func decode(_ text: UnsafeRawBufferPointer, into out: inout [UInt8]) -> Bool {
        var n = text.count
        guard n % 4 == 0 else { return false }
        out.removeAll(keepingCapacity: true)
        if n == 0 { return true }
        var pad = 0
        if text[n - 1] == UInt8(ascii: "=") { pad += 1 }
        if text[n - 2] == UInt8(ascii: "=") { pad += 1 }
        n -= pad
        let whole = n / 4
        let rest = n - whole * 4  // 0, 2 or 3 (1 is refused below)
        guard rest != 1 else { return false }
        let size = whole * 3 + (rest == 0 ? 0 : rest - 1)
        var ok = true
        out.append(contentsOf: repeatElement(0, count: size))
        table.withUnsafeBufferPointer { t in
            out.withUnsafeMutableBufferPointer { o in
                guard let src = text.baseAddress?.assumingMemoryBound(to: UInt8.self), let dst = o.baseAddress,
                    let t = t.baseAddress
                else { return }
                var bad: UInt8 = 0
                for q in 0..<whole {
                    let s = src + q * 4
                    let a = t[Int(s[0])], b = t[Int(s[1])], c = t[Int(s[2])], d = t[Int(s[3])]
                    bad |= a | b | c | d
                    let e = dst + q * 3
                    e[0] = a << 2 | b >> 4
                    e[1] = b << 4 | c >> 2
                    e[2] = c << 6 | d
                }
                if rest >= 2 {
                    let s = src + whole * 4
                    let e = dst + whole * 3
                    let a = t[Int(s[0])], b = t[Int(s[1])]
                    bad |= a | b
                    e[0] = a << 2 | b >> 4
                    if rest == 3 {
                        let c = t[Int(s[2])]
                        bad |= c
                        e[1] = b << 4 | c >> 2
                    }
                }
                ok = bad & 0xC0 == 0
            }
        }
        return ok
    }
}
