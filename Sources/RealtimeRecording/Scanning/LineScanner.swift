/// A validating single-pass JSON scanner for one line that captures a few fields by path.
///
/// It checks the whole line against RFC 8259 (structure, strings, escapes, UTF-8, numbers,
/// literals) but builds no tree: strings are skipped eight bytes at a time (SWAR), so a 50 KB
/// base64 audio payload costs a few microseconds. Values at the paths named by `ScanSlot` are
/// recorded as byte spans; callers decode only what they need.
///
/// - Limits: nesting deeper than `maxDepth` (default 512) is reported as invalid rather than
///   recursed into; memory is O(`maxDepth`) and reused across lines.
/// - Not thread-safe: one scanner per reading task.
public struct LineScanner: ~Copyable {
    /// How the top level of a line is interpreted.
    public enum Mode: Sendable {
        /// A recording line: envelope keys at the top, the event under `event`.
        case record
        /// A bare event object (plain JSONL of events).
        case bareEvent
    }

    public let mode: Mode
    public let maxDepth: Int
    private let spans: UnsafeMutablePointer<ByteSpan>
    private let kinds: UnsafeMutablePointer<UInt8>
    private var present: UInt32 = 0
    private var escaped: UInt32 = 0
    /// Whether the last scan met a raw CR or LF (which valid JSON can hold only as whitespace
    /// between tokens: inside strings they are rejected as control characters).
    public private(set) var sawLineBreak = false
    private let containers: UnsafeMutablePointer<UInt8>
    // Per-depth context for depths 1...3 (index 0 unused): what the current key captures, and
    // what kind of object the depth is (record, event, response, item, or nothing to capture).
    private var keyAt: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
    private var ctxAt: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
    /// The event's tape nodes, built as the scan goes when `buildsTape` (see `TapeScratch`).
    ///
    /// Behind a pointer: the struct stays small, so calls to its token methods do not copy it.
    private let tape: UnsafeMutablePointer<TapeScratch>

    /// Whether scans also build the event object's `JSONTape` nodes (`ScannedFields.tape`); off by default.
    ///
    /// Costs a node per value inside the event; saves the second pass of `JSONTape.parse` for readers that want every
    /// event as a tape (the validator).
    public var buildsTape: Bool {
        get { tape.pointee.enabled }
        nonmutating set { tape.pointee.enabled = newValue }
    }

    public init(mode: Mode = .record, maxDepth: Int = 512) {
        self.mode = mode
        self.maxDepth = maxDepth
        spans = .allocate(capacity: ScanSlot.count)
        spans.initialize(repeating: ByteSpan(start: 0, count: 0), count: ScanSlot.count)
        kinds = .allocate(capacity: ScanSlot.count)
        kinds.initialize(repeating: 0, count: ScanSlot.count)
        containers = .allocate(capacity: maxDepth + 2)
        containers.initialize(repeating: 0, count: maxDepth + 2)
        tape = .allocate(capacity: 1)
        tape.initialize(to: TapeScratch(maxDepth: maxDepth))
    }

    deinit {
        spans.deallocate()
        kinds.deallocate()
        containers.deallocate()
        tape.pointee.deallocate()
        tape.deinitialize(count: 1)
        tape.deallocate()
    }

    /// What the last scan captured; valid until the next `scan`.
    public var fields: ScannedFields {
        ScannedFields(
            spans: UnsafePointer(spans), kinds: UnsafePointer(kinds), present: present, escaped: escaped,
            tape: tape.pointee.result)
    }

    /// Scans one line (without its line terminator).
    ///
    /// Returns `nil` when the line is valid JSON, else the first error found. Captured spans are valid until the next
    /// call.
    public mutating func scan(_ line: UnsafeRawBufferPointer) -> ScanError? {
        present = 0
        escaped = 0
        sawLineBreak = false
        tape.pointee.building = false
        tape.pointee.complete = false
        keyAt = (0, 0, 0, 0)
        ctxAt = (0, mode == .record ? Ctx.record : Ctx.event, 0, 0)
        guard let base = line.baseAddress?.assumingMemoryBound(to: UInt8.self), line.count > 0 else {
            return ScanError(reason: .empty, offset: 0)
        }
        let error = run(base, line.count)
        if error != nil { tape.pointee.complete = false }  // no tape from a line that is not valid JSON
        return error
    }

    // MARK: - Core

    private enum Ctx {
        static let none: UInt8 = 0
        static let record: UInt8 = 1
        static let event: UInt8 = 2
        static let response: UInt8 = 3
        static let item: UInt8 = 4
    }
    /// Key codes above the slot range mark keys whose object values open a capture context.
    private enum Key {
        static let none: UInt8 = 0xFF
        static let openEvent: UInt8 = 0xF0
        static let openResponse: UInt8 = 0xF1
        static let openItem: UInt8 = 0xF2
    }

    private enum Expect { case value, valueOrClose, key, keyOrClose, colon, commaOrClose, done }

    private mutating func run(_ p: UnsafePointer<UInt8>, _ n: Int) -> ScanError? {
        var i = 0
        var depth = 0
        var expect = Expect.value
        var containerStart = (0, 0, 0, 0)  // start offsets of containers at depth 1...3
        while true {
            // Skip whitespace.
            while i < n {
                let c = p[i]
                if c == 0x20 || c == 0x09 {
                    i += 1
                } else if c == 0x0A || c == 0x0D {
                    sawLineBreak = true
                    i += 1
                } else {
                    break
                }
            }
            guard i < n else { break }
            let b = p[i]
            switch expect {
            case .done:
                return ScanError(reason: .trailingData, offset: i)
            case .colon:
                guard b == UInt8(ascii: ":") else { return ScanError(reason: .unexpectedByte(b), offset: i) }
                i += 1
                expect = .value
                continue
            case .commaOrClose:
                if b == UInt8(ascii: ",") {
                    i += 1
                    expect = containers[depth] == 1 ? .key : .value
                    continue
                }
                guard b == UInt8(ascii: "}") || b == UInt8(ascii: "]") else {
                    return ScanError(reason: .unexpectedByte(b), offset: i)
                }
            case .key, .keyOrClose:
                if b == UInt8(ascii: "\"") {
                    let start = i + 1
                    guard let (end, hasEscape) = skipString(p, n, from: start) else {
                        return stringError(p, n, from: start)
                    }
                    if depth <= 3 {
                        setKey(depth, code: hasEscape ? Key.none : keyCode(p + start, end - start, ctx: ctx(depth)))
                    }
                    if tape.pointee.building { tape.pointee.key(start, end) }
                    i = end + 1
                    expect = .colon
                    continue
                }
                guard expect == .keyOrClose, b == UInt8(ascii: "}") else {
                    return ScanError(reason: .unexpectedByte(b), offset: i)
                }
            case .valueOrClose:
                if b == UInt8(ascii: "]") { break }
            case .value:
                break
            }
            // A value, or a closing bracket.
            switch b {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard depth < maxDepth else { return ScanError(reason: .tooDeep(limit: maxDepth), offset: i) }
                let parentKey = depth >= 1 && depth <= 3 ? key(depth) : Key.none
                let parentCtx = depth == 0 ? Ctx.none : ctx(depth)
                depth += 1
                let isObject = b == UInt8(ascii: "{")
                containers[depth] = isObject ? 1 : 2
                if depth <= 3 {
                    setKey(depth, code: Key.none)
                    if depth > 1 {
                        let child = isObject ? childContext(parentCtx: parentCtx, key: parentKey) : Ctx.none
                        // A repeated `event`, `response` or `item`: forget what the earlier one captured.
                        if child != Ctx.none { present &= ~Self.slotsCaptured(in: child) }
                        setCtx(depth, child)
                    } else if !isObject {
                        setCtx(1, Ctx.none)
                    }
                    setStart(&containerStart, depth, i)
                }
                if tape.pointee.building {
                    tape.pointee.open(kind: isObject ? 1 : 2, at: i)
                } else if tape.pointee.enabled, isObject, depth == (mode == .record ? 2 : 1), ctx(depth) == Ctx.event {
                    tape.pointee.begin(at: i)
                }
                i += 1
                expect = isObject ? .keyOrClose : .valueOrClose
                continue
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard expect != .value else { return ScanError(reason: .unexpectedByte(b), offset: i) }
                guard depth > 0, containers[depth] == (b == UInt8(ascii: "}") ? 1 : 2) else {
                    return ScanError(reason: .unbalanced, offset: i)
                }
                if depth >= 2, depth <= 3 {
                    record(
                        depth - 1, kind: b == UInt8(ascii: "}") ? .object : .array,
                        ByteSpan(start: start(containerStart, depth), count: i + 1 - start(containerStart, depth)),
                        escaped: false)
                }
                if tape.pointee.building { tape.pointee.close(at: i, line: p) }
                depth -= 1
                i += 1
                expect = depth == 0 ? .done : .commaOrClose
                continue
            case UInt8(ascii: "\""):
                let start = i + 1
                guard let (end, hasEscape) = skipString(p, n, from: start) else {
                    return stringError(p, n, from: start)
                }
                if depth >= 1, depth <= 3 {
                    record(depth, kind: .string, ByteSpan(start: start, count: end - start), escaped: hasEscape)
                }
                if tape.pointee.building { tape.pointee.scalar(kind: 3, start: start, end: end) }
                i = end + 1
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard let end = skipNumber(p, n, from: i) else { return ScanError(reason: .invalidNumber, offset: i) }
                if depth >= 1, depth <= 3 {
                    record(depth, kind: .number, ByteSpan(start: i, count: end - i), escaped: false)
                }
                if tape.pointee.building { tape.pointee.scalar(kind: 4, start: i, end: end) }
                i = end
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                guard let (end, kind) = skipLiteral(p, n, from: i) else {
                    return ScanError(reason: .invalidLiteral, offset: i)
                }
                if depth >= 1, depth <= 3 {
                    record(depth, kind: kind, ByteSpan(start: i, count: end - i), escaped: false)
                }
                if tape.pointee.building {
                    tape.pointee.scalar(kind: p[i] == 0x74 ? 5 : p[i] == 0x66 ? 6 : 7, start: i, end: end)
                }
                i = end
            default:
                return ScanError(reason: .unexpectedByte(b), offset: i)
            }
            expect = depth == 0 ? .done : .commaOrClose
        }
        if expect == .done { return nil }
        return ScanError(reason: i == 0 || expect == .value && depth == 0 ? .empty : .truncated, offset: n)
    }

    /// The slot bits captured inside a context object (the event, `event.response`, `event.item`).
    private static func slotsCaptured(in ctx: UInt8) -> UInt32 {
        func bits(_ slots: [ScanSlot]) -> UInt32 { slots.reduce(0) { $0 | 1 << UInt32($1.rawValue) } }
        switch ctx {
        case Ctx.event:
            return bits([
                .type, .eventID, .responseID, .itemID, .callID, .previousItemID, .responseDotID, .itemDotID,
                .itemDotCallID,
            ])
        case Ctx.response: return bits([.responseDotID])
        case Ctx.item: return bits([.itemDotID, .itemDotCallID])
        default: return 0
        }
    }

    private func childContext(parentCtx: UInt8, key: UInt8) -> UInt8 {
        switch (parentCtx, key) {
        case (Ctx.record, Key.openEvent): Ctx.event
        case (Ctx.event, Key.openResponse): Ctx.response
        case (Ctx.event, Key.openItem): Ctx.item
        default: Ctx.none
        }
    }

    /// Records a finished value at `depth` under the current key, if that key captures.
    @inline(__always)
    private mutating func record(_ depth: Int, kind: JSONValueKind, _ span: ByteSpan, escaped isEscaped: Bool) {
        guard depth >= 1, depth <= 3 else { return }
        var code = key(depth)
        if code == Key.openEvent { code = UInt8(ScanSlot.event.rawValue) }
        guard code < UInt8(ScanSlot.count) else { return }
        let bit: UInt32 = 1 << UInt32(code)
        // A repeated key: the last occurrence wins, as in JSONTape, JSONSerialization, jq and JavaScript.
        present |= bit
        escaped = isEscaped ? escaped | bit : escaped & ~bit
        spans[Int(code)] = span
        kinds[Int(code)] = kind.rawValue
    }

    @inline(__always) private func key(_ d: Int) -> UInt8 {
        switch d {
        case 1: keyAt.1
        case 2: keyAt.2
        default: keyAt.3
        }
    }
    @inline(__always) private mutating func setKey(_ d: Int, code: UInt8) {
        switch d {
        case 1: keyAt.1 = code
        case 2: keyAt.2 = code
        default: keyAt.3 = code
        }
    }
    @inline(__always) private func ctx(_ d: Int) -> UInt8 {
        switch d {
        case 1: ctxAt.1
        case 2: ctxAt.2
        default: ctxAt.3
        }
    }
    @inline(__always) private mutating func setCtx(_ d: Int, _ c: UInt8) {
        switch d {
        case 1: ctxAt.1 = c
        case 2: ctxAt.2 = c
        default: ctxAt.3 = c
        }
    }
    @inline(__always) private func start(_ s: (Int, Int, Int, Int), _ d: Int) -> Int {
        switch d {
        case 1: s.0
        case 2: s.1
        case 3: s.2
        default: s.3
        }
    }
    @inline(__always) private func setStart(_ s: inout (Int, Int, Int, Int), _ d: Int, _ v: Int) {
        switch d {
        case 1: s.0 = v
        case 2: s.1 = v
        case 3: s.2 = v
        default: s.3 = v
        }
    }
}

/// The JSON kind of a captured value.
public enum JSONValueKind: UInt8, Sendable {
    case string = 1, number, object, array, bool, null
}

/// The values a `LineScanner` captured from one line, as spans into that line.
///
/// A borrowed view: valid only until the scanner scans its next line.
public struct ScannedFields {
    let spans: UnsafePointer<ByteSpan>
    let kinds: UnsafePointer<UInt8>
    let present: UInt32
    let escaped: UInt32
    /// The event object's tape nodes, when the scanner built them (`LineScanner.buildsTape`).
    public let tape: ScannedTape?

    /// Whether `slot` was captured.
    @inline(__always)
    public func has(_ slot: ScanSlot) -> Bool { present & (1 << UInt32(slot.rawValue)) != 0 }

    /// The span of `slot`: string contents without quotes, the token of a number or literal, or
    /// the whole text of an object or array.
    @inline(__always)
    public func span(_ slot: ScanSlot) -> ByteSpan? { has(slot) ? spans[slot.rawValue] : nil }

    /// The JSON kind of the value captured for `slot`.
    public func kind(_ slot: ScanSlot) -> JSONValueKind? {
        has(slot) ? JSONValueKind(rawValue: kinds[slot.rawValue]) : nil
    }

    /// Whether the string captured for `slot` contains backslash escapes.
    public func isEscaped(_ slot: ScanSlot) -> Bool { escaped & (1 << UInt32(slot.rawValue)) != 0 }
}
