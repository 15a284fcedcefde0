/// JSON string escaping and unescaping on bytes, without Foundation.
public enum JSONText {
    /// Appends `bytes` (UTF-8) to `out` as a JSON string literal, quotes included.
    ///
    /// Escapes `"`, `\`, C0 controls, and the scalars a terminal would act on (DEL, C1 controls, bidi controls; see
    /// `unsafeScalar(in:at:)`) as `\uXXXX`, so JSON output printed to a terminal is safe and decodes to the same
    /// string; everything else is copied as is.
    public static func appendQuoted(_ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings need no escape at all: copy those in one go.
        let plain = bytes.withContiguousStorageIfAvailable { raw -> Bool in
            guard needsNoEscape(raw) else { return false }
            out.append(contentsOf: raw)
            return true
        }
        if plain == true {
            out.append(UInt8(ascii: "\""))
            return
        }
        Array(bytes).withUnsafeBufferPointer { appendEscaped($0, to: &out) }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends `bytes` (UTF-8) escaped for the inside of a JSON string literal, without the quotes: the one escaping
    /// loop behind `appendQuoted` and the validation reports' JSON writer.
    ///
    /// `"` and `\` as `\"` and `\\`; newline, return and tab as `\n`, `\r`, `\t`, and with `encoderStyle` also
    /// backspace and form feed as `\b` and `\f` (what `JSONEncoder` writes); every other C0 control, DEL, C1 and bidi
    /// control (`unsafeScalar(in:at:)`) as `\uXXXX`; everything else as is.
    public static func appendEscaped(
        _ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8], encoderStyle: Bool = false
    ) {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b >= 0x7F, let (scalar, length) = unsafeScalar(in: bytes, at: i) {
                appendEscape(scalar, to: &out)
                i += length
                continue
            }
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08 where encoderStyle: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C where encoderStyle: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x00..<0x20: appendEscape(UInt32(b), to: &out)
            default: out.append(b)
            }
            i += 1
        }
    }

    /// Whether a byte may start something a JSON string literal must escape (a cheap first check).
    ///
    /// `"`, `\`, a C0 control, DEL, or the lead byte of a C1 control (C2), of U+061C (D8) or of the other bidi
    /// controls (E2); the exact check is `unsafeScalar(in:at:)`.
    @inline(__always)
    public static func mayNeedEscape(_ b: UInt8) -> Bool {
        b < 0x20 || b == 0x22 || b == 0x5C || b == 0x7F || b == 0xC2 || b == 0xD8 || b == 0xE2
    }

    /// Whether no byte of `bytes` may need an escape: `!bytes.contains(where: mayNeedEscape)`, eight bytes at a time.
    ///
    /// A word passes when it has no byte below 0x20, no `"` or `\` and no byte above 0x7E; a word with a byte
    /// above 0x7E (UTF-8 beyond ASCII, or DEL) is checked byte by byte. The word tests may flag a word that is
    /// fine (then the byte check decides) but never pass one that is not.
    public static func needsNoEscape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        /// Whether a byte of `w` is zero (exact: a zero byte always sets its high bit here).
        @inline(__always) func hasZero(_ w: UInt64) -> Bool { (w &- ones) & ~w & highs != 0 }
        var i = 0
        while i + 8 <= bytes.count {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            let control = (w &- 0x20 &* ones) & ~w & highs  // a byte below 0x20
            if control != 0 || hasZero(w ^ (0x22 &* ones)) || hasZero(w ^ (0x5C &* ones)) { return false }
            if (w &+ ones | w) & highs != 0 {  // a byte above 0x7E (or a carry next to one: checked exactly)
                for j in i..<(i + 8) where mayNeedEscape(base[j]) { return false }
            }
            i += 8
        }
        while i < bytes.count {
            if mayNeedEscape(base[i]) { return false }
            i += 1
        }
        return true
    }

    /// Whether `bytes` hold nothing that is escaped when written: no `"`, `\`, C0 control, DEL, C1 or bidi control.
    ///
    /// Exact where `needsNoEscape` is quick and conservative (it refuses any lead byte of a C1 or bidi control, so any
    /// text with, say, an em dash): each byte that may need an escape is checked with `unsafeScalar(in:at:)`.
    public static func hasNothingToEscape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for i in bytes.indices where mayNeedEscape(bytes[i]) {
            if bytes[i] < 0x80 || unsafeScalar(in: bytes, at: i) != nil { return false }
        }
        return true
    }

    /// The scalar at `i` if it is one a terminal would act on outside C0 (DEL, a C1 control, or a bidi control:
    /// U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069; the set `SafeText.isUnsafe` names), with its length in
    /// bytes; `nil` otherwise.
    public static func unsafeScalar(in bytes: some RandomAccessCollection<UInt8>, at i: some BinaryInteger) -> (
        UInt32, Int
    )? {
        let n = bytes.count
        let k = Int(i)
        func at(_ j: Int) -> UInt8 { bytes[bytes.index(bytes.startIndex, offsetBy: j)] }
        let b = at(k)
        if b == 0x7F { return (0x7F, 1) }
        if b == 0xC2, k + 1 < n, (0x80...0x9F).contains(at(k + 1)) { return (UInt32(at(k + 1)), 2) }
        if b == 0xD8, k + 1 < n, at(k + 1) == 0x9C { return (0x061C, 2) }
        guard b == 0xE2, k + 2 < n else { return nil }
        let b1 = at(k + 1)
        let b2 = at(k + 2)
        if b1 == 0x80, b2 == 0x8E || b2 == 0x8F || (0xAA...0xAE).contains(b2) {
            return (0x2000 | UInt32(b2 & 0x3F), 3)
        }
        if b1 == 0x81, (0xA6...0xA9).contains(b2) { return (0x2040 | UInt32(b2 & 0x3F), 3) }
        return nil
    }

    /// Appends `\uXXXX` for a scalar below U+10000.
    public static func appendEscape(_ scalar: UInt32, to out: inout [UInt8]) {
        out.append(contentsOf: [0x5C, UInt8(ascii: "u")])
        for shift in stride(from: 12, through: 0, by: -4) {
            let digit = UInt8((scalar >> UInt32(shift)) & 0xF)
            out.append(digit < 10 ? 0x30 + digit : 0x57 + digit)  // 0-9, a-f
        }
    }

    /// A JSON string literal for `text`.
    public static func quoted(_ text: String) -> String {
        var out: [UInt8] = []
        appendQuoted(text.utf8, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes the body of a JSON string (without quotes) that may contain escapes.
    ///
    /// Invalid escapes and lone surrogates become U+FFFD rather than failing.
    public static func unescape(_ body: UnsafeRawBufferPointer) -> String {
        guard body.contains(UInt8(ascii: "\\")) else { return String(decoding: body, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var i = 0
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= body.count else { return nil }
            var v: UInt32 = 0
            for k in at..<at + 4 {
                guard let d = hexValue(body[k]) else { return nil }
                v = v << 4 | d
            }
            return v
        }
        while i < body.count {
            let b = body[i]
            guard b == UInt8(ascii: "\\"), i + 1 < body.count else {
                out.append(b)
                i += 1
                continue
            }
            let e = body[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                guard var code = hex4(i) else {
                    out.append(contentsOf: [0xEF, 0xBF, 0xBD])
                    continue
                }
                i += 4
                if (0xD800..<0xDC00).contains(code), i + 6 <= body.count, body[i] == 0x5C,
                    body[i + 1] == UInt8(ascii: "u"), let low = hex4(i + 2), (0xDC00..<0xE000).contains(low)
                {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                out.append(contentsOf: Array(String(Unicode.Scalar(code).map(Character.init) ?? "\u{FFFD}").utf8))
            default: out.append(e)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The value of a JSON integer token (`-?[0-9]+`), or `nil` when it has a fraction, an
    /// exponent, or does not fit in 64 bits.
    public static func integer(_ token: some Collection<UInt8>) -> Int64? {
        var value: Int64 = 0
        var negative = false
        for (k, b) in token.enumerated() {
            if k == 0, b == UInt8(ascii: "-") {
                negative = true
                continue
            }
            guard b >= 0x30, b <= 0x39 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(b - 0x30))
            guard !o1, !o2 else { return nil }
            value = s
        }
        return negative ? -value : value
    }

    private static func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case 0x30...0x39: UInt32(b - 0x30)
        case 0x41...0x46: UInt32(b - 0x41 + 10)
        case 0x61...0x66: UInt32(b - 0x61 + 10)
        default: nil
        }
    }
}
