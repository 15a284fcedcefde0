// Token-level helpers of LineScanner: strings (SWAR), numbers, literals, UTF-8 and key matching.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension LineScanner {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Skips a string body starting after its opening quote.
    ///
    /// Returns the offset of the closing quote and whether the body had escapes, or `nil` when the string is invalid.
    @inline(__always)
    func skipString(_ p: UnsafePointer<UInt8>, _ n: Int, from start: Int) -> (Int, Bool)? {
        var i = start
        var hasEscape = false
        let raw = UnsafeRawPointer(p)
        while true {
            // Eight bytes at a time: stop at '"', '\\', a control byte or a non-ASCII byte.
            while i &+ 8 <= n {
                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let q = w ^ 0x2222_2222_2222_2222
                let s = w ^ 0x5C5C_5C5C_5C5C_5C5C
                let special =
                    ((q &- Self.ones) & ~q) | ((s &- Self.ones) & ~s) | ((w &- 0x2020_2020_2020_2020) & ~w) | w
                let mask = special & Self.highs
                if mask != 0 {
                    i &+= mask.trailingZeroBitCount >> 3
                    break
                }
                i &+= 8
            }
            guard i < n else { return nil }
            let b = p[i]
            if b == UInt8(ascii: "\"") { return (i, hasEscape) }
            if b == UInt8(ascii: "\\") {
                hasEscape = true
                guard i + 1 < n else { return nil }
                switch p[i + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 2
                case UInt8(ascii: "u"):
                    guard i + 6 <= n, (2..<6).allSatisfy({ isHex(p[i + $0]) }) else { return nil }
                    i += 6
                default:
                    return nil
                }
            } else if b < 0x20 {
                return nil
            } else if b >= 0x80 {
                guard let next = skipUTF8(p, n, from: i) else { return nil }
                i = next
            } else {
                i += 1  // only reachable in the byte tail
            }
        }
    }

    /// Re-walks an invalid string to say precisely what is wrong with it.
    func stringError(_ p: UnsafePointer<UInt8>, _ n: Int, from start: Int) -> ScanError {
        var i = start
        while i < n {
            let b = p[i]
            if b == UInt8(ascii: "\"") { break }
            if b == UInt8(ascii: "\\") {
                guard i + 1 < n else { break }
                let e = p[i + 1]
                if e == UInt8(ascii: "u") {
                    guard i + 6 <= n, (2..<6).allSatisfy({ isHex(p[i + $0]) }) else {
                        return ScanError(reason: .invalidEscape, offset: i)
                    }
                    i += 6
                } else if "\"\\/bfnrt".utf8.contains(e) {
                    i += 2
                } else {
                    return ScanError(reason: .invalidEscape, offset: i)
                }
            } else if b < 0x20 {
                return ScanError(reason: .controlCharacterInString, offset: i)
            } else if b >= 0x80 {
                guard let next = skipUTF8(p, n, from: i) else { return ScanError(reason: .invalidUTF8, offset: i) }
                i = next
            } else {
                i += 1
            }
        }
        return ScanError(reason: .unterminatedString, offset: start - 1)
    }

    @inline(__always)
    private func isHex(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x66)
    }

    /// Validates one multi-byte UTF-8 sequence (no overlongs, no surrogates, ≤ U+10FFFF).
    func skipUTF8(_ p: UnsafePointer<UInt8>, _ n: Int, from i: Int) -> Int? {
        let b0 = p[i]
        func cont(_ k: Int) -> Bool { i + k < n && p[i + k] & 0xC0 == 0x80 }
        switch b0 {
        case 0xC2...0xDF:
            return cont(1) ? i + 2 : nil
        case 0xE0:
            return cont(1) && p[i + 1] >= 0xA0 && cont(2) ? i + 3 : nil
        case 0xE1...0xEC, 0xEE...0xEF:
            return cont(1) && cont(2) ? i + 3 : nil
        case 0xED:
            return cont(1) && p[i + 1] < 0xA0 && cont(2) ? i + 3 : nil
        case 0xF0:
            return cont(1) && p[i + 1] >= 0x90 && cont(2) && cont(3) ? i + 4 : nil
        case 0xF1...0xF3:
            return cont(1) && cont(2) && cont(3) ? i + 4 : nil
        case 0xF4:
            return cont(1) && p[i + 1] < 0x90 && cont(2) && cont(3) ? i + 4 : nil
        default:
            return nil
        }
    }

    /// Skips a number token per the JSON grammar; returns the offset after it.
    func skipNumber(_ p: UnsafePointer<UInt8>, _ n: Int, from start: Int) -> Int? {
        var i = start
        func digit(_ k: Int) -> Bool { k < n && p[k] >= 0x30 && p[k] <= 0x39 }
        if p[i] == UInt8(ascii: "-") { i += 1 }
        guard digit(i) else { return nil }
        if p[i] == UInt8(ascii: "0") {
            i += 1
        } else {
            while digit(i) { i += 1 }
        }
        if i < n, p[i] == UInt8(ascii: ".") {
            i += 1
            guard digit(i) else { return nil }
            while digit(i) { i += 1 }
        }
        if i < n, p[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < n, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i += 1 }
            guard digit(i) else { return nil }
            while digit(i) { i += 1 }
        }
        return i
    }

    /// Skips `true`, `false` or `null`.
    func skipLiteral(_ p: UnsafePointer<UInt8>, _ n: Int, from i: Int) -> (Int, JSONValueKind)? {
        func matches(_ word: StaticString) -> Bool {
            i + word.utf8CodeUnitCount <= n && memcmp(p + i, word.utf8Start, word.utf8CodeUnitCount) == 0
        }
        if matches("true") { return (i + 4, .bool) }
        if matches("false") { return (i + 5, .bool) }
        if matches("null") { return (i + 4, .null) }
        return nil
    }

    /// The capture code of a key in the given context (see `LineScanner.Key`).
    @inline(__always)
    func keyCode(_ k: UnsafePointer<UInt8>, _ len: Int, ctx: UInt8) -> UInt8 {
        func eq(_ word: StaticString) -> Bool {
            len == word.utf8CodeUnitCount && memcmp(k, word.utf8Start, len) == 0
        }
        func slot(_ s: ScanSlot) -> UInt8 { UInt8(s.rawValue) }
        switch ctx {
        case 1:  // record
            switch len {
            case 2: return eq("op") ? slot(.op) : 0xFF
            case 3: return eq("seq") ? slot(.seq) : eq("dir") ? slot(.dir) : eq("fin") ? slot(.fin) : 0xFF
            case 4:
                return eq("t_us")
                    ? slot(.tUs)
                    : eq("wall")
                        ? slot(.wall)
                        : eq("conn")
                            ? slot(.conn)
                            : eq("text")
                                ? slot(.text)
                                : eq("code") ? slot(.code) : 0xFF
            case 5: return eq("event") ? 0xF0 : 0xFF
            case 6: return eq("format") ? slot(.format) : eq("reason") ? slot(.reason) : 0xFF
            case 7: return eq("version") ? slot(.version) : 0xFF
            case 8: return eq("data_b64") ? slot(.dataB64) : eq("redacted") ? slot(.redacted) : 0xFF
            case 12: return eq("dir_inferred") ? slot(.dirInferred) : 0xFF
            default: return 0xFF
            }
        case 2:  // event
            switch len {
            case 4: return eq("type") ? slot(.type) : eq("item") ? 0xF2 : 0xFF
            case 7: return eq("item_id") ? slot(.itemID) : eq("call_id") ? slot(.callID) : 0xFF
            case 8: return eq("event_id") ? slot(.eventID) : eq("response") ? 0xF1 : 0xFF
            case 11: return eq("response_id") ? slot(.responseID) : 0xFF
            case 16: return eq("previous_item_id") ? slot(.previousItemID) : 0xFF
            default: return 0xFF
            }
        case 3:  // event.response
            return eq("id") ? slot(.responseDotID) : 0xFF
        case 4:  // event.item
            return eq("id") ? slot(.itemDotID) : eq("call_id") ? slot(.itemDotCallID) : 0xFF
        default:
            return 0xFF
        }
    }
}
