#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A pull reader over one large JSON document (or a JSONL file) that hands out one value at a time, so importers
/// hold one event, never the whole input.
///
/// - Memory: the unconsumed bytes of the current value plus one read chunk (1 MiB); a value that is skipped is never
///   held. Chunks are read straight into the buffer (one copy of the input, by the kernel).
/// - Checks: the structure it walks (objects, arrays, strings, bracket balance). The values it hands out are checked
///   by whoever parses them; a mismatched bracket inside a skipped value is not noticed.
/// - Errors: `RecordingError.importFailed` naming the source and the byte offset.
final class JSONCursor {
    private var source: any ByteSource
    /// The bytes read and not yet dropped are `buffer[0..<end]`; the rest is room the next read fills in place (no
    /// chunk is copied from a scratch buffer, and the array is not resized per read).
    private var buffer = [UInt8](repeating: 0, count: JSONCursor.chunk)
    private var end = 0
    private var position = 0
    /// Input offset of `buffer[0]`.
    private var base: Int64 = 0
    /// Where the value being read starts (kept when the buffer is compacted).
    private var mark: Int?
    private var ended = false
    private static let chunk = 1 << 20
    /// The most bytes the cursor has held at once (for tests of its memory bound).
    private(set) var peakBuffer = 0

    init(_ source: any ByteSource) {
        self.source = source
    }

    var name: String { source.name }
    /// Input offset of the next byte.
    var offset: Int64 { base + Int64(position) }

    /// Reads another chunk (moving the kept bytes to the front first); `false` at the end of input.
    ///
    /// The buffer grows past one chunk only while a value (or line) longer than that is being read.
    private func more() throws -> Bool {
        guard !ended else { return false }
        let keep = mark ?? position
        if keep > 0 {
            let kept = end - keep
            buffer.withUnsafeMutableBytes { raw in
                if kept > 0, let start = raw.baseAddress { memmove(start, start + keep, kept) }
            }
            end = kept
            base += Int64(keep)
            position -= keep
            if mark != nil { mark = 0 }
        }
        if buffer.count - end < Self.chunk / 2 {
            buffer.append(contentsOf: repeatElement(0, count: Self.chunk - (buffer.count - end)))
        }
        let n = try buffer.withUnsafeMutableBytes { raw in
            try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[end...]))
        }
        end += n
        peakBuffer = max(peakBuffer, end)
        if n == 0 { ended = true }
        return n > 0
    }

    /// The next byte that is not whitespace, without consuming it (`nil` at the end of input).
    func peek() throws -> UInt8? {
        while true {
            while position < end {
                let b = buffer[position]
                guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return b }
                position += 1
            }
            guard try more() else { return nil }
        }
    }

    /// Consumes `byte` if it is next (after whitespace).
    func take(_ byte: UInt8) throws -> Bool {
        guard try peek() == byte else { return false }
        position += 1
        return true
    }

    func failure(_ what: String) -> RecordingError {
        .importFailed(path: name, detail: "\(what) (at byte \(offset + 1))")
    }

    /// The members of the object that comes next: `body` gets each key's raw bytes and must consume its value.
    func members(_ what: String, _ body: ([UInt8]) throws -> Void) throws {
        guard try take(UInt8(ascii: "{")) else { throw failure(what) }
        if try take(UInt8(ascii: "}")) { return }
        while true {
            guard try peek() == UInt8(ascii: "\""), let key = try value(keep: true),
                try take(UInt8(ascii: ":"))
            else { throw failure(what) }
            try body(Array(key.dropFirst().dropLast()))
            if try take(UInt8(ascii: ",")) { continue }
            guard try take(UInt8(ascii: "}")) else { throw failure(what) }
            return
        }
    }

    /// The elements of the array that comes next: `body` gets each 0-based index and must consume the element.
    func elements(_ what: String, _ body: (Int) throws -> Void) throws {
        guard try take(UInt8(ascii: "[")) else { throw failure(what) }
        if try take(UInt8(ascii: "]")) { return }
        var index = 0
        while true {
            try body(index)
            index += 1
            if try take(UInt8(ascii: ",")) { continue }
            guard try take(UInt8(ascii: "]")) else { throw failure(what) }
            return
        }
    }

    /// Reads the next value.
    ///
    /// Returns its bytes with `keep`, else skips it in constant memory (and returns `[]`); `nil` at the end of input or when no value starts here.
    @discardableResult
    func value(keep: Bool) throws -> [UInt8]? {
        guard let first = try peek(), first != UInt8(ascii: ","), first != UInt8(ascii: ":"),
            first != UInt8(ascii: "}"), first != UInt8(ascii: "]")
        else { return nil }
        mark = keep ? position : nil
        defer { mark = nil }
        var depth = 0
        var inString = false
        var escaped = false
        var scalar = false
        scan: while true {
            if position == end {
                guard try more() else {
                    if scalar && depth == 0 { break scan }
                    throw failure("the JSON ends inside a value")
                }
            }
            let end = end
            let done: Bool? = buffer.withUnsafeBufferPointer { p in
                while position < end {
                    let b = p[position]
                    if inString {
                        if escaped {
                            escaped = false
                        } else if b == 0x5C {
                            escaped = true
                        } else if b == 0x22 {
                            inString = false
                            if depth == 0 {
                                position += 1
                                return true
                            }
                        }
                        position += 1
                        continue
                    }
                    switch b {
                    case 0x22:
                        if scalar { return nil }
                        inString = true
                    case UInt8(ascii: "{"), UInt8(ascii: "["):
                        if scalar { return nil }
                        depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        if depth == 0 { return scalar ? true : nil }
                        depth -= 1
                        if depth == 0 {
                            position += 1
                            return true
                        }
                    case UInt8(ascii: ","), 0x20, 0x0A, 0x0D, 0x09, UInt8(ascii: ":"):
                        if depth == 0 { return scalar ? true : nil }
                    default:
                        if depth == 0 { scalar = true }
                    }
                    position += 1
                }
                return false
            }
            switch done {
            case true?: break scan
            case nil: throw failure("invalid JSON")
            default: continue
            }
        }
        guard keep, let start = mark else { return [] }
        return Array(buffer[start..<position])
    }

    /// The next line without its `\n` (and a CR before it); `nil` at the end of input.
    func line() throws -> [UInt8]? {
        try withLine { Array($0) }
    }

    /// Calls `body` with the next line (without its `\n`, and a CR before it) in place in the read buffer.
    ///
    /// A caller that only reads the line copies nothing; `nil` at the end of input. The bytes are valid only inside `body`.
    func withLine<R>(_ body: (UnsafeRawBufferPointer) throws -> R) throws -> R? {
        mark = position
        defer { mark = nil }
        while true {
            let end = end
            let found: Int? = buffer.withUnsafeBytes { raw in
                guard position < end, let base = raw.baseAddress,
                    let hit = memchr(base + position, 0x0A, end - position)
                else { return nil }
                return base.distance(to: UnsafeRawPointer(hit))
            }
            if let newline = found {
                let start = mark ?? position
                position = newline + 1
                return try lineBody(start, newline, body)
            }
            position = end  // searched up to here; `more` keeps the line from `mark`
            guard try more() else {
                let start = mark ?? position
                guard start < self.end else { return nil }
                return try lineBody(start, self.end, body)
            }
        }
    }

    private func lineBody<R>(_ start: Int, _ end: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let end = end > start && buffer[end - 1] == 0x0D ? end - 1 : end
        return try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }
}
