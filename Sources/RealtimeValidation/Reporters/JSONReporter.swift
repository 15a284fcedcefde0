import Foundation
import RealtimeProtocol
import RealtimeRecording

/// Machine JSON: every file with its counts and findings, plus the rules that ran.
///
/// The text is what `JSONEncoder` writes for `Document` with `[.prettyPrinted, .sortedKeys,
/// .withoutEscapingSlashes]` (a test compares them), written directly: the encoder took about 10 µs
/// per finding, which dominated `validate --format json` on files with hundreds of thousands of findings.
///
/// `write(_:to:)` streams the text in pieces of about `PrettyJSON.pieceBytes` (64 KiB), so a report of
/// hundreds of megabytes never exists in memory: `validate --format json` holds the findings, not their text.
public enum JSONReporter {
    struct Document: Encodable {
        struct File: Encodable {
            let path: String
            let frames: Int
            let dialect: String?
            let errors: Int
            let warnings: Int
            let notes: Int
            let passed: Bool
            let findings: [Finding]
        }
        let tool: String
        let failAt: String
        let passed: Bool
        let files: [File]
        let rules: [RuleInfo]
    }

    static func document(_ result: ValidationResult) -> Document {
        Document(
            tool: RecordingFormat.toolName, failAt: result.failAt.rawValue, passed: !result.failed,
            files: result.reports.map { r in
                .init(
                    path: r.path, frames: r.frames, dialect: r.dialect?.rawValue, errors: r.count(.error),
                    warnings: r.count(.warning), notes: r.count(.note),
                    passed: !r.findings.contains { $0.severity >= result.failAt }, findings: r.findings)
            }, rules: result.rules)
    }

    /// The whole report as one string (tests, small reports); `write(_:to:)` streams it.
    public static func render(_ result: ValidationResult) throws -> String {
        var bytes: [UInt8] = []
        write(result) { bytes.append(contentsOf: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes the report (ending in a newline) to `sink` in pieces of about 64 KiB, in order; a piece is only valid
    /// during the call.
    public static func write(_ result: ValidationResult, to sink: (UnsafeRawBufferPointer) -> Void) {
        withoutActuallyEscaping(sink) { sink in
            var w = PrettyJSON(sink: sink)
            let d = document(result)
            w.open(0x7B)
            w.field("failAt", d.failAt)
            w.key("files")
            w.open(0x5B)
            for file in d.files {
                w.element()
                w.open(0x7B)
                w.field("dialect", file.dialect)
                w.field("errors", file.errors)
                w.key("findings")
                w.open(0x5B)
                file.findings.withUnsafeBufferPointer { all in
                    for i in all.indices {
                        w.element()
                        finding(&w, all, i)
                        w.drainIfFull()
                    }
                }
                w.close(0x5D)
                w.field("frames", file.frames)
                w.field("notes", file.notes)
                w.field("passed", file.passed)
                w.field("path", file.path)
                w.field("warnings", file.warnings)
                w.close(0x7D)
            }
            w.close(0x5D)
            w.field("passed", d.passed)
            w.key("rules")
            w.open(0x5B)
            for rule in d.rules {
                w.element()
                w.open(0x7B)
                w.field("id", rule.id)
                w.field("requirement", rule.requirement)
                w.field("severity", rule.severity.rawValue)
                w.field("source", rule.source)
                w.field("summary", rule.summary)
                w.close(0x7D)
                w.drainIfFull()
            }
            w.close(0x5D)
            w.field("tool", d.tool)
            w.close(0x7D)
            w.newline()
            w.drain()
        }
    }

    /// Writes `all[i]` (read in place: a copy of the finding would retain each of its strings).
    private static func finding(_ w: inout PrettyJSON, _ all: UnsafeBufferPointer<Finding>, _ i: Int) {
        w.open(0x7B)
        w.field("actual", all[i].actual)
        w.field("eventID", all[i].eventID)
        w.field("eventIndex", all[i].eventIndex)
        w.field("eventType", all[i].eventType)
        w.field("expected", all[i].expected)
        w.field("line", all[i].line)
        w.field("message", all[i].message)
        w.key("related")
        w.open(0x5B)
        for r in all[i].related {
            w.element()
            w.open(0x7B)
            w.field("line", r.line)
            w.field("note", r.note)
            w.close(0x7D)
        }
        w.close(0x5D)
        w.field("rule", all[i].rule)
        w.key("severity")
        w.severity(all[i].severity)
        w.field("subject", all[i].subject)
        w.close(0x7D)
    }
}

/// Writes pretty-printed JSON the way `JSONEncoder` does (two-space indent, `"key" : value`, empty
/// containers as `[\n\n<indent>]`, `/` unescaped, control characters as `\uXXXX` or their short escapes),
/// into a buffer that `drainIfFull()` hands to the sink whenever it holds `pieceBytes` or more.
///
/// The buffer is raw memory (each write checks room once, then stores bytes), not an array: appending to an array
/// checks uniqueness and capacity per byte group, which made the writer cost about 1.4 µs a finding.
struct PrettyJSON: ~Copyable {
    /// How full the buffer gets before `drainIfFull()` passes it on.
    static let pieceBytes = 64 << 10
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes in the buffer, not yet passed on.
    private(set) var count = 0
    private let sink: (UnsafeRawBufferPointer) -> Void
    private var depth = 0
    /// Whether the container open at each depth (bit `depth`) has a member or element yet; JSON reports nest
    /// six deep at most, far below 64.
    private var started: UInt64 = 0

    init(sink: @escaping (UnsafeRawBufferPointer) -> Void) {
        self.sink = sink
        capacity = 2 * Self.pieceBytes
        base = .allocate(capacity: capacity)
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

    /// Passes whatever the buffer holds on.
    mutating func drain() {
        guard count > 0 else { return }
        sink(UnsafeRawBufferPointer(start: base, count: count))
        count = 0
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

    /// The indent of the current depth; room was reserved.
    @inline(__always)
    private mutating func indent() {
        let n = 2 * depth
        (base + count).update(repeating: 0x20, count: n)
        count += n
    }

    /// Writes the member `"key" : "value"`, or nothing when `value` is nil (as `JSONEncoder` leaves out a nil
    /// optional).
    mutating func field(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        self.key(key)
        string(value)
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
    mutating func key(_ key: StaticString) {
        element()
        reserve(key.utf8CodeUnitCount + 5)
        put(0x22)
        key.withUTF8Buffer { put($0) }
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
        if n < 0 { put(0x2D) }
        var m = n.magnitude
        var digits = 1
        var rest = m / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        var at = count + digits - 1
        repeat {
            base[at] = 0x30 + UInt8(m % 10)
            m /= 10
            at -= 1
        } while m > 0
        count += digits
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
        var s = s
        s.withUTF8 { bytes in
            // Most strings need no escape: one scan, one copy.
            var plain = true
            for byte in bytes where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                plain = false
                break
            }
            if plain {
                reserve(bytes.count + 2)
                put(0x22)
                put(bytes)
                put(0x22)
                return
            }
            reserve(6 * bytes.count + 2)  // the longest escape, \u00XX, for every byte
            put(0x22)
            let hex: StaticString = "0123456789abcdef"
            for byte in bytes {
                switch byte {
                case 0x22, 0x5C:
                    put(0x5C)
                    put(byte)
                case 0x0A:
                    put(0x5C)
                    put(0x6E)
                case 0x0D:
                    put(0x5C)
                    put(0x72)
                case 0x09:
                    put(0x5C)
                    put(0x74)
                case 0x08:
                    put(0x5C)
                    put(0x62)
                case 0x0C:
                    put(0x5C)
                    put(0x66)
                case 0..<0x20:
                    put(0x5C)
                    put(0x75)
                    put(0x30)
                    put(0x30)
                    put(hex.utf8Start[Int(byte >> 4)])
                    put(hex.utf8Start[Int(byte & 15)])
                default: put(byte)
                }
            }
            put(0x22)
        }
    }
}
