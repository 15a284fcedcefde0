import Foundation
import RealtimeProtocol
import RealtimeRecording

/// Findings kept as bytes, for a report that is only written out (`validate --format json`): about 200 bytes a
/// finding in blocks of 1 MiB, instead of a 144-byte `Finding` and three heap objects (message, event id, related
/// lines) of about 340 bytes more.
///
/// On a file where most events have a finding, keeping every `Finding` was most of what it cost beyond a clean file:
/// each one is fresh memory, and on this VM a fresh page costs about 4 µs to fault in and zero. Here a finding's
/// fields are appended as a record and dropped, so their memory is reused by the next one: the validator writes them
/// straight here, with no `Finding` made, when no excerpts are wanted (`SessionValidator.log`); otherwise a `Finding`
/// is appended and dropped. The JSON reporter writes records straight from the bytes (`JSONReporter`), with no string
/// made again.
///
/// A record: line and event index (8 bytes each), severity, which optional strings are present, the rule (a number
/// into `rules`), the number of related lines; then the message and the present strings, each as a 4-byte length and
/// its UTF-8; then each related line (8 bytes) and its note. An event id equal to `actual` (a duplicated or invalid
/// id) is stored once.
///
/// Order: records stay in arrival order; `seal()` finds the report order (line, then rule, ties in arrival order:
/// what `ValidationRun.sortByLine` gives), sorting only when arrival order is not it.
///
/// Reading: `seal()` also lays out each record's address in report order and each rule id's bytes in memory of the
/// log's own, so `record(at:)` and `ruleBytes` read plain pointers, and the reporter's two threads never touch the
/// log's arrays or their reference counts (the lowest of 30 alternated runs of broken json 3–4 % lower with it than
/// without, in three sets; the medians within the machine's noise).
///
/// Invariants: lossless (`finding(at:)` is the `Finding` appended, in report order); at most 2³¹ findings, strings
/// shorter than 4 GiB. Appending is for one thread, before `seal()`; reading (`record(at:)`, `finding(at:)`,
/// `ruleBytes`) only after it, when the log is read-only and may be read from any thread (the JSON reporter renders
/// on two).
final class FindingLog: @unchecked Sendable {
    /// Where each record starts, in arrival order: its block's number (high 32 bits) and its offset in the block.
    private var offsets: [Int] = []
    /// Blocks of `blockBytes` (or one record's size, when larger), never moved once made: a block that doubles and
    /// moves (`realloc`) copied the whole log each time, a third of the cost of appending.
    private var blocks: [UnsafeMutableRawPointer] = []
    private static let blockBytes = 1 << 20
    /// Room left in the last block, and where it starts.
    private var used = 0
    private var room = 0
    private(set) var byteCount = 0
    /// Rule ids by number.
    private(set) var rules: [String] = []
    /// Each record's address in report order, made by `seal()` (see the type's comment).
    private var addresses: UnsafeMutablePointer<UnsafeRawPointer>?
    /// Each rule id's UTF-8 by number, made by `seal()`, in `ruleText`.
    private var ruleIDs: UnsafeMutablePointer<UnsafeRawBufferPointer>?
    private var ruleText: UnsafeMutableRawPointer?
    private(set) var counts = (notes: 0, warnings: 0, errors: 0)

    private enum Flag {
        static let actual: UInt8 = 1
        static let eventID: UInt8 = 2
        static let eventIDIsActual: UInt8 = 4
        static let eventType: UInt8 = 8
        static let expected: UInt8 = 16
        static let subject: UInt8 = 32
    }
    private static let headerBytes = 24

    init() {}

    deinit {
        for block in blocks { free(block) }
        addresses?.deallocate()
        ruleIDs?.deallocate()
        ruleText?.deallocate()
    }

    var count: Int { offsets.count }

    // MARK: - Appending

    /// Appends `finding` (arrival order; `seal()` puts the log in report order).
    func append(_ finding: Finding) {
        append(
            rule: finding.rule, severity: finding.severity, message: FindingText(finding.message),
            expected: finding.expected,
            actual: finding.actual, line: finding.line, eventIndex: finding.eventIndex, eventType: finding.eventType,
            eventID: finding.eventID, subject: finding.subject, related: RelatedLines(finding.related))
    }

    /// Appends the finding with these fields (`Finding`'s), without one being made: what `SessionValidator.emit` does
    /// when it writes to a log.
    ///
    /// `eventIDValue`, when `eventID` is `nil`: the event id as it is in the event's JSON (a string value; any other is
    /// no id), stored from its bytes when it has no escape, so it is never made a `String`.
    func append(
        rule: String, severity: Severity, message: FindingText, expected: String?, actual: String?, line: Int,
        eventIndex: Int, eventType: String?, eventID: String?, eventIDValue: JSONValue? = nil, subject: String?,
        related: RelatedLines
    ) {
        var eventID = eventID
        var rawID: JSONValue?
        if eventID == nil, let value = eventIDValue, value.kind == .string {
            if value.withRawBytes({ !$0.contains(0x5C) }) { rawID = value } else { eventID = value.string }
        }
        precondition(offsets.count < Int(Int32.max), "FindingLog holds at most 2^31 findings")
        let number = ruleNumber(rule)
        var flags: UInt8 = 0
        let messageBytes = message.utf8Count
        precondition(messageBytes < Int(UInt32.max), "FindingLog keeps strings shorter than 4 GiB")
        var size = Self.headerBytes + 4 + messageBytes
        if let actual {
            flags |= Flag.actual
            size += Self.stringBytes(actual)
        }
        if let rawID {
            flags |= Flag.eventID
            size += 4 + rawID.byteCount
        } else if let eventID {
            flags |= Flag.eventID
            if eventID == actual {
                flags |= Flag.eventIDIsActual
            } else {
                size += Self.stringBytes(eventID)
            }
        }
        if let eventType {
            flags |= Flag.eventType
            size += Self.stringBytes(eventType)
        }
        if let expected {
            flags |= Flag.expected
            size += Self.stringBytes(expected)
        }
        if let subject {
            flags |= Flag.subject
            size += Self.stringBytes(subject)
        }
        related.forEach { size += 8 + Self.stringBytes($0.note) }
        let start = reserve(size)
        var at = start
        at.storeBytes(of: Int64(line).littleEndian, as: Int64.self)
        (at + 8).storeBytes(of: Int64(eventIndex).littleEndian, as: Int64.self)
        (at + 16).storeBytes(of: Self.code(severity), as: UInt8.self)
        (at + 17).storeBytes(of: flags, as: UInt8.self)
        (at + 18).storeBytes(of: number.littleEndian, as: UInt16.self)
        (at + 20).storeBytes(of: UInt32(related.count).littleEndian, as: UInt32.self)
        at += Self.headerBytes
        at.storeBytes(of: UInt32(messageBytes).littleEndian, as: UInt32.self)
        at += 4 + message.copyUTF8(to: at + 4)
        if let actual { Self.store(actual, at: &at) }
        if let rawID {
            let n = rawID.byteCount
            at.storeBytes(of: UInt32(n).littleEndian, as: UInt32.self)
            let target = at + 4
            rawID.withRawBytes { if let from = $0.baseAddress { target.copyMemory(from: from, byteCount: n) } }
            at += 4 + n
        } else if flags & Flag.eventIDIsActual == 0, let eventID {
            Self.store(eventID, at: &at)
        }
        if let eventType { Self.store(eventType, at: &at) }
        if let expected { Self.store(expected, at: &at) }
        if let subject { Self.store(subject, at: &at) }
        related.forEach { r in
            at.storeBytes(of: Int64(r.line).littleEndian, as: Int64.self)
            at += 8
            Self.store(r.note, at: &at)
        }
        byteCount += size
        switch severity {
        case .note: counts.notes += 1
        case .warning: counts.warnings += 1
        case .error: counts.errors += 1
        }
    }

    /// Puts the log in report order: by line, then rule, ties in arrival order; then lays out what reading uses.
    ///
    /// Call once, after the last `append`.
    func seal() {
        let order = reportOrder()
        let n = offsets.count
        let addresses = UnsafeMutablePointer<UnsafeRawPointer>.allocate(capacity: max(n, 1))
        for position in 0..<n {
            let arrival = order.map { Int($0[position]) } ?? position
            addresses[position] = UnsafeRawPointer(address(offsets[arrival]))
        }
        self.addresses = addresses
        let text = UnsafeMutableRawPointer.allocate(
            byteCount: max(rules.reduce(0) { $0 + 4 + $1.utf8.count }, 1), alignment: 1)
        let ids = UnsafeMutablePointer<UnsafeRawBufferPointer>.allocate(capacity: max(rules.count, 1))
        var at = text
        for (number, rule) in rules.enumerated() {
            var end = at
            Self.store(rule, at: &end)  // its length, then its UTF-8
            ids[number] = UnsafeRawBufferPointer(start: at + 4, count: end - at - 4)
            at = end
        }
        ruleText = text
        ruleIDs = ids
    }

    /// The arrival index of each finding in report order; `nil` when they arrived in report order.
    private func reportOrder() -> [Int32]? {
        let n = offsets.count
        var sorted = true
        var previous = (line: Int.min, rank: 0)
        var ranks: [Int] = []
        if n > 1 {
            let byID = rules.indices.sorted { rules[$0] < rules[$1] }
            ranks = Array(repeating: 0, count: rules.count)
            for (rank, number) in byID.enumerated() { ranks[number] = rank }
            for i in 0..<n {
                let key = (line: line(arrival: i), rank: ranks[Int(rule(arrival: i))])
                if key.line < previous.line || (key.line == previous.line && key.rank < previous.rank) {
                    sorted = false
                    break
                }
                previous = key
            }
        }
        guard !sorted else { return nil }
        // Nearly in order (a few rules of one line out of rule order, a few end-of-session findings far back): the
        // standard library's sort finds the runs. The arrival index makes every key distinct.
        var keys = (0..<n).map { i in (line: line(arrival: i), rank: ranks[Int(rule(arrival: i))], index: Int32(i)) }
        keys.sort { ($0.line, $0.rank, $0.index) < ($1.line, $1.rank, $1.index) }
        return keys.map(\.index)
    }

    // MARK: - Reading

    /// The finding at `position` in report order.
    func finding(at position: Int) -> Finding {
        let r = record(at: position)
        func text(_ bytes: UnsafeRawBufferPointer?) -> String? {
            bytes.map { String(decoding: $0, as: UTF8.self) }
        }
        var related: [RelatedLine] = []
        related.reserveCapacity(r.relatedCount)
        r.forEachRelated { line, note in
            related.append(RelatedLine(line: line, note: String(decoding: note, as: UTF8.self)))
        }
        return Finding(
            rule: rules[Int(r.rule)], severity: r.severity, message: text(r.message) ?? "", expected: text(r.expected),
            actual: text(r.actual), line: r.line, eventIndex: r.eventIndex, eventType: text(r.eventType),
            eventID: text(r.eventID), subject: text(r.subject), related: related)
    }

    /// Every finding, in report order.
    func findings() -> [Finding] { (0..<count).map { finding(at: $0) } }

    /// A view of one record's fields, in place (valid while the log lives).
    struct Record {
        var line = 0
        var eventIndex = 0
        var severity = Severity.note
        var rule: UInt16 = 0
        var message: UnsafeRawBufferPointer?
        var actual: UnsafeRawBufferPointer?
        var eventID: UnsafeRawBufferPointer?
        var eventType: UnsafeRawBufferPointer?
        var expected: UnsafeRawBufferPointer?
        var subject: UnsafeRawBufferPointer?
        var relatedCount = 0
        /// Where the related lines start.
        var relatedStart: UnsafeRawPointer?

        /// Calls `body` with each related line's number and note, in order.
        func forEachRelated(_ body: (Int, UnsafeRawBufferPointer) -> Void) {
            guard var at = relatedStart else { return }
            for _ in 0..<relatedCount {
                let line = Int(Int64(littleEndian: at.loadUnaligned(as: Int64.self)))
                at += 8
                body(line, FindingLog.load(at: &at))
            }
        }
    }

    /// The UTF-8 of rule number `number`'s id (valid while the log lives; after `seal()`).
    func ruleBytes(_ number: UInt16) -> UnsafeRawBufferPointer {
        guard let ruleIDs else { preconditionFailure("FindingLog: read before seal()") }
        return ruleIDs[Int(number)]
    }

    /// The record at `position` in report order (after `seal()`).
    func record(at position: Int) -> Record {
        guard let addresses else { preconditionFailure("FindingLog: read before seal()") }
        var r = Record()
        var at = addresses[position]
        r.line = Int(Int64(littleEndian: at.loadUnaligned(as: Int64.self)))
        r.eventIndex = Int(Int64(littleEndian: (at + 8).loadUnaligned(as: Int64.self)))
        r.severity = Self.severity((at + 16).load(as: UInt8.self))
        let flags = (at + 17).load(as: UInt8.self)
        r.rule = UInt16(littleEndian: (at + 18).loadUnaligned(as: UInt16.self))
        r.relatedCount = Int(UInt32(littleEndian: (at + 20).loadUnaligned(as: UInt32.self)))
        at += Self.headerBytes
        r.message = Self.load(at: &at)
        if flags & Flag.actual != 0 { r.actual = Self.load(at: &at) }
        if flags & Flag.eventID != 0 { r.eventID = flags & Flag.eventIDIsActual != 0 ? r.actual : Self.load(at: &at) }
        if flags & Flag.eventType != 0 { r.eventType = Self.load(at: &at) }
        if flags & Flag.expected != 0 { r.expected = Self.load(at: &at) }
        if flags & Flag.subject != 0 { r.subject = Self.load(at: &at) }
        r.relatedStart = at
        return r
    }

    // MARK: - Bytes

    /// The rule's number.
    ///
    /// Rule ids come from the rule catalog (a few dozen; a file's findings use a handful), so a
    /// scan of the known ones, which compares equal storage in one step, is cheaper than hashing each id.
    private func ruleNumber(_ rule: String) -> UInt16 {
        if let i = rules.firstIndex(of: rule) { return UInt16(i) }
        precondition(rules.count < Int(UInt16.max), "FindingLog holds at most 65,535 rules")
        rules.append(rule)
        return UInt16(rules.count - 1)
    }

    private func line(arrival i: Int) -> Int {
        Int(Int64(littleEndian: UnsafeRawPointer(address(offsets[i])).loadUnaligned(as: Int64.self)))
    }

    private func rule(arrival i: Int) -> UInt16 {
        UInt16(littleEndian: UnsafeRawPointer(address(offsets[i]) + 18).loadUnaligned(as: UInt16.self))
    }

    /// Where a record of `n` bytes goes (its offset appended to `offsets`): the last block if it has room, else a
    /// new one.
    private func reserve(_ n: Int) -> UnsafeMutableRawPointer {
        if n > room || blocks.isEmpty {
            let size = max(n, Self.blockBytes)
            guard let block = malloc(size) else { fatalError("FindingLog: out of memory for \(size) bytes") }
            blocks.append(block)
            used = 0
            room = size
        }
        offsets.append((blocks.count - 1) << 32 | used)
        let at = blocks[blocks.count - 1] + used
        used += n
        room -= n
        return at
    }

    private func address(_ offset: Int) -> UnsafeMutableRawPointer {
        blocks[offset >> 32] + (offset & 0xFFFF_FFFF)
    }

    private static func stringBytes(_ s: String) -> Int {
        let n = s.utf8.count
        precondition(n < Int(UInt32.max), "FindingLog keeps strings shorter than 4 GiB")
        return 4 + n
    }

    private static func store(_ s: String, at: inout UnsafeMutableRawPointer) {
        let n = s.utf8.count
        at.storeBytes(of: UInt32(n).littleEndian, as: UInt32.self)
        at += 4
        let target = at
        let copied = s.utf8.withContiguousStorageIfAvailable { bytes in
            if let from = bytes.baseAddress { target.copyMemory(from: from, byteCount: bytes.count) }
            return true
        }
        if copied == nil {
            var i = 0
            for byte in s.utf8 {
                (target + i).storeBytes(of: byte, as: UInt8.self)
                i += 1
            }
        }
        at += n
    }

    fileprivate static func load(at: inout UnsafeRawPointer) -> UnsafeRawBufferPointer {
        let n = Int(UInt32(littleEndian: at.loadUnaligned(as: UInt32.self)))
        let bytes = UnsafeRawBufferPointer(start: at + 4, count: n)
        at += 4 + n
        return bytes
    }

    private static func code(_ s: Severity) -> UInt8 {
        switch s {
        case .note: 0
        case .warning: 1
        case .error: 2
        }
    }

    private static func severity(_ code: UInt8) -> Severity {
        switch code {
        case 2: .error
        case 1: .warning
        default: .note
        }
    }
}
