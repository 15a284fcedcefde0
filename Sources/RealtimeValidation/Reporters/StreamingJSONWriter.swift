import RealtimeRecording

/// The JSON reporter's streaming writer: pretty-printed JSON, byte for byte what `JSONEncoder` writes with
/// `[.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]` (two-space indent, `"key" : value`, empty containers as
/// `[\n\n<indent>]`, `/` unescaped, control characters as `\uXXXX` or their short escapes), handed to a sink in
/// pieces instead of built as one string.
///
/// One difference: DEL, C1 and bidi controls are escaped too (`\uXXXX`, as
/// `JSONText.appendQuoted` does), so the report is safe on a terminal and decodes to the same strings.
///
/// Callers write members in sorted key order themselves (the writer does not sort) and call `drainIfFull()` between
/// elements; the buffer is passed to the sink whenever it holds `pieceBytes` or more, so memory stays about two
/// pieces whatever the report's size (a piece is only valid during the sink call). Not thread-safe; `~Copyable`, as it
/// owns its buffer. Nesting is limited to 63 levels (reports nest six deep).
///
/// The buffer is raw memory (each write checks room once, then stores bytes), not an array: appending to an array
/// checks uniqueness and capacity per byte group, which made the writer cost about 1.4 µs a finding.
///
/// Not the timeline's `PrettyJSON` (TimelineModel), which lays out one event for the detail pane.
struct StreamingJSONWriter: ~Copyable {
    /// How full the buffer gets before `drainIfFull()` passes it on.
    static let pieceBytes = 64 << 10
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes in the buffer, not yet passed on.
    private(set) var count = 0
    private let sink: (UnsafeRawBufferPointer) -> Void
    private(set) var depth = 0
    /// Whether the container open at each depth (bit `depth`) has a member or element yet; JSON reports nest
    /// six deep at most, far below 64.
    private var started: UInt64 = 0

    init(sink: @escaping (UnsafeRawBufferPointer) -> Void) {
        self.sink = sink
        capacity = 2 * Self.pieceBytes
        base = .allocate(capacity: capacity)
    }

    /// A writer for text that follows `other`'s (written on another thread).
    ///
    /// It starts at the same depth, in the same container, after at least one member or element of it (its first
    /// `element()` writes a comma), and passes its buffer to the same sink. What `other` writes before this one's text
    /// must reach the sink before this one drains.
    init(continuing other: borrowing StreamingJSONWriter) {
        self.init(sink: other.sink)
        depth = other.depth
        started = other.started | 1 << UInt64(depth & 63)
    }

    deinit { base.deallocate() }

    /// Makes room for `n` more bytes.
    @inline(__always)
    private mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(count + n) }
    }

    private mutating func grow(_ need: Int) {
        let bigger = max(need, 2 * capacity)
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
        p.update(from: base, count: count)
        base.deallocate()
        base = p
        capacity = bigger
    }

    /// Stores one byte; room was reserved.
    @inline(__always)
    private mutating func put(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    /// Stores `bytes`; room was reserved.
    @inline(__always)
    private mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let from = bytes.baseAddress else { return }
        (base + count).update(from: from, count: bytes.count)
        count += bytes.count
    }

    /// Passes the buffer on once it holds a piece's worth.
    mutating func drainIfFull() {
        if count >= Self.pieceBytes { drain() }
    }

    /// Passes whatever the buffer holds on, in pieces of at most `pieceBytes` (a writer that rendered many elements
    /// without `drainIfFull()` holds more).
    mutating func drain() {
        var from = 0
        while from < count {
            let n = min(Self.pieceBytes, count - from)
            sink(UnsafeRawBufferPointer(start: base + from, count: n))
            from += n
        }
        count = 0
    }

    /// Lets `body` write at most `room` bytes in place (text laid out elsewhere: `FindingRecordText`).
    ///
    /// `body` returns how many it wrote. The writer's nesting is not changed: the text must leave it as it found it.
    mutating func write(room: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        reserve(room)
        let written = body(base + count)
        precondition(written <= room, "StreamingJSONWriter.write(room:) wrote past its room")
        count += written
    }

    /// Ends the document's last line.
    mutating func newline() {
        reserve(1)
        put(0x0A)
    }

    /// Opens an object (`{`, 0x7B) or array (`[`, 0x5B).
    mutating func open(_ bracket: UInt8) {
        reserve(2)
        put(bracket)
        put(0x0A)
        depth += 1
        started &= ~(1 << UInt64(depth & 63))
    }

    /// Closes what `open` opened (`}` 0x7D or `]` 0x5D).
    mutating func close(_ bracket: UInt8) {
        depth -= 1
        reserve(2 + 2 * depth)
        put(0x0A)
        indent()
        put(bracket)
    }

    /// Starts the next member or element: a comma after the previous one, then the indent.
    mutating func element() {
        let bit: UInt64 = 1 << UInt64(depth & 63)
        reserve(2 + 2 * depth)
        if started & bit != 0 {
            put(0x2C)
            put(0x0A)
        }
        started |= bit
        indent()
    }

    /// The indent of the current depth, eight spaces a store; room was reserved.
    @inline(__always)
    private mutating func indent() {
        var at = UnsafeMutableRawPointer(base + count)
        let n = 2 * depth
        var left = n
        while left >= 8 {
            at.storeBytes(of: 0x2020_2020_2020_2020 as UInt64, as: UInt64.self)  // unaligned stores are allowed
            at += 8
            left -= 8
        }
        while left > 0 {
            at.storeBytes(of: 0x20 as UInt8, as: UInt8.self)
            at += 1
            left -= 1
        }
        count += n
    }

    /// Writes the member `"key" : "value"`, or nothing when `value` is nil (as `JSONEncoder` leaves out a nil
    /// optional).
    mutating func field(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        self.key(key)
        string(value)
    }

    /// Writes the member `"key" : "text"` for UTF-8 kept as bytes, or nothing when `bytes` is nil.
    mutating func field(_ key: StaticString, bytes: UnsafeRawBufferPointer?) {
        guard let bytes else { return }
        self.key(key)
        string(bytes: bytes)
    }

    /// Writes the member `"key" : n`.
    mutating func field(_ key: StaticString, _ value: Int) {
        self.key(key)
        int(value)
    }

    /// Writes the member `"key" : true` or `false`.
    mutating func field(_ key: StaticString, _ value: Bool) {
        self.key(key)
        bool(value)
    }

    /// Starts a member: `"key" : ` (keys are plain ASCII literals, never escaped).
    ///
    /// `element()` and the key with one check of room: a finding has eleven members and more in its related lines.
    mutating func key(_ key: StaticString) {
        let bit: UInt64 = 1 << UInt64(depth & 63)
        let n = key.utf8CodeUnitCount
        reserve(2 + 2 * depth + n + 5)
        if started & bit != 0 {
            put(0x2C)
            put(0x0A)
        }
        started |= bit
        indent()
        put(0x22)
        (base + count).update(from: key.utf8Start, count: n)
        count += n
        put(0x22)
        put(0x20)
        put(0x3A)
        put(0x20)
    }

    mutating func int(_ n: Int) {
        reserve(21)
        if n >= 0, n < 10 {
            put(0x30 + UInt8(n))
            return
        }
        count += Self.storeDecimal(n, at: base + count)
    }

    /// Stores `n` in decimal at `p` (at most 20 bytes, room reserved); returns how many bytes.
    static func storeDecimal(_ n: Int, at p: UnsafeMutablePointer<UInt8>) -> Int {
        var start = p
        if n < 0 {
            p.pointee = 0x2D
            start += 1
        }
        var m = n.magnitude
        var digits = 1
        var rest = m / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        var at = start + digits - 1
        repeat {
            at.pointee = 0x30 + UInt8(m % 10)
            m /= 10
            at -= 1
        } while m > 0
        return start - p + digits
    }

    mutating func bool(_ b: Bool) {
        reserve(5)
        for byte in (b ? "true" : "false").utf8 { put(byte) }
    }

    mutating func severity(_ s: Severity) {
        switch s {
        case .error: string("error")
        case .warning: string("warning")
        case .note: string("note")
        }
    }

    mutating func string(_ s: String) {
        // Native strings lend their bytes without a copy of the string (`withUTF8` needs a `var`, so a retain).
        if s.utf8.withContiguousStorageIfAvailable({ string(utf8: $0) }) != nil { return }
        var s = s
        s.withUTF8 { string(utf8: $0) }
    }

    /// Writes UTF-8 text kept as bytes (`FindingLog`) as a JSON string.
    mutating func string(bytes: UnsafeRawBufferPointer) {
        string(
            utf8: UnsafeBufferPointer(start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        )
    }

    /// Writes UTF-8 text as a JSON string.
    mutating func string(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        // Most strings need no escape: one scan (eight bytes at a time), one copy.
        if JSONText.needsNoEscape(bytes) {
            reserve(bytes.count + 2)
            put(0x22)
            put(bytes)
            put(0x22)
            return
        }
        // Rare (a control, a quote, a bidi control): escaped by the one loop `JSONText` has, in `JSONEncoder`'s
        // style (`\b` and `\f` short), then copied.
        var escaped: [UInt8] = []
        JSONText.appendEscaped(bytes, to: &escaped, encoderStyle: true)
        reserve(escaped.count + 2)
        put(0x22)
        escaped.withUnsafeBufferPointer { put($0) }
        put(0x22)
    }
}
