public import RealtimeRecording

/// Findings kept in a few dozen bytes each, for holders of hundreds of thousands of them (the timeline).
///
/// A `Finding` costs about 430 bytes (its struct and a heap copy of each string). Here each finding is a 12-byte
/// record (line, severity, rule number, where its text starts) plus its text: every string field coded against the
/// most similar of the last four distinct values of the same field in the same rule's findings, as which one, the
/// length of the prefix and suffix they share and the bytes in between. Findings of one rule differ in an id or two
/// ("The server event_id event_B…0002 was already used.") and take their event types and messages from a few
/// values, so a finding's text takes a few bytes; every 64th finding of a rule is coded whole (a keyframe), so
/// rebuilding one finding decodes at most 64 (32 held about 3 bytes a finding more in keyframes). An event id equal to
/// the finding's `actual` (a duplicated or invalid id) takes one bit.
///
/// Records stay sorted by their stored line, so lookups by line are a binary search with no index beside them: a
/// finding that comes behind an earlier line (an end-of-session finding about the session's start) stores the
/// highest line so far, is marked displaced, and its position goes into a short side list sorted by line (its text
/// holds the exact line, as for any line beyond 32 bits). A permutation of all records (4 bytes a finding, rebuilt
/// whole at each `seal()`) cost the timeline more than a megabyte on a file where most events have a finding.
///
/// Invariants: the text is lossless (`finding(at:)` equals what `append` was given); lookups by line
/// (`positions(line:)`) see every finding appended in line order at once, and a displaced one after the next
/// `seal()`; at most 2³¹ findings and 1 TiB of text. Rule ids are interned (at most 65,536 distinct:
/// they come from the rule catalog). Not thread-safe; a value type whose copies are independent.
public struct CompactFindings: Sendable {
    /// 12 bytes: the stored line (the finding's, clamped to 32 bits, or for a displaced one the highest before it; the
    /// text holds the difference), where the text starts (40 bits), the
    /// rule's number, the severity and whether the text is coded against nothing (a keyframe).
    struct Record {
        let storedLine: Int32
        let offsetLow: UInt32
        let rule: UInt16
        /// Bits 0–1: severity (0 note, 1 warning, 2 error); bit 2: keyframe; bit 3: displaced (the stored line is the
        /// highest before it, not its own).
        let flags: UInt8
        let offsetHigh: UInt8

        init(storedLine: Int32, offset: Int, rule: UInt16, severity: Severity, keyframe: Bool, displaced: Bool) {
            self.storedLine = storedLine
            offsetLow = UInt32(truncatingIfNeeded: offset)
            offsetHigh = UInt8(truncatingIfNeeded: offset >> 32)
            self.rule = rule
            let s: UInt8 = severity == .error ? 2 : severity == .warning ? 1 : 0
            flags = s | (keyframe ? 4 : 0) | (displaced ? 8 : 0)
        }

        var line: Int { Int(storedLine) }
        var offset: Int { Int(offsetHigh) << 32 | Int(offsetLow) }
        var keyframe: Bool { flags & 4 != 0 }
        var displaced: Bool { flags & 8 != 0 }
        var severity: Severity {
            switch flags & 3 {
            case 2: .error
            case 1: .warning
            default: .note
            }
        }
    }

    /// The last distinct values of one string field of a rule's findings (since its keyframe), most recently used
    /// first: at most `recentValues`.
    typealias Recent = [[UInt8]]

    /// How many values of a field a finding's field can be coded against (coded against the last one only, a field
    /// that alternates between a few values, such as an event type, was spelt out at each change).
    static let recentValues = 4

    /// What the next finding of a rule is coded against: the recent values of each of its fields.
    struct Reference {
        var sinceKeyframe = 0
        /// The string fields: message, expected, actual, eventType, eventID, subject.
        var fields: [Recent] = Array(repeating: [], count: 6)
        /// The notes of related lines, by their place in the finding.
        var notes: [Recent] = []
    }

    /// How many findings of a rule share one keyframe.
    static let keyframeEvery = 64
    private var records: [Record] = []
    private var text: [UInt8] = []
    private var ruleIDs: [String] = []
    private var ruleNumbers: [String: UInt16] = [:]
    private var lastRule = 0
    private var references: [Reference] = []
    /// The displaced findings (see above) as of the last `seal()`: exact line and position, sorted by both.
    private var displaced: [(line: Int, position: Int32)] = []
    /// Displaced findings appended since the last `seal()`.
    private var unsealed: [Int32] = []
    public private(set) var errors = 0
    public private(set) var warnings = 0

    public init() {}

    public var count: Int { records.count }
    public var isEmpty: Bool { records.isEmpty }
    /// Bytes held (records, text and the displaced list), for tests and measurements.
    public var storedBytes: Int {
        records.capacity * MemoryLayout<Record>.stride + text.capacity + displaced.capacity
            * MemoryLayout<(line: Int, position: Int32)>.stride + unsealed.capacity * 4
    }

    /// Stores `finding` after the others.
    public mutating func append(_ finding: Finding) {
        let rule = number(finding.rule)
        let r = Int(rule)
        let line32 = Int32(clamping: finding.line)
        let highest = records.last?.storedLine ?? .min
        let isDisplaced = line32 < highest
        let storedLine = isDisplaced ? highest : line32
        if isDisplaced { unsealed.append(Int32(truncatingIfNeeded: records.count)) }
        switch finding.severity {
        case .error: errors += 1
        case .warning: warnings += 1
        case .note: break
        }
        // The rule's reference is taken out while it changes, so it stays uniquely referenced (no copy of its bytes).
        var reference = references[r]
        references[r] = Reference()
        defer { references[r] = reference }
        let keyframe = reference.sinceKeyframe == 0 || reference.sinceKeyframe >= Self.keyframeEvery
        if keyframe {
            reference.sinceKeyframe = 0
            for f in 0..<6 { reference.fields[f].removeAll(keepingCapacity: true) }
            reference.notes.removeAll(keepingCapacity: true)
        }
        records.append(
            Record(
                storedLine: storedLine, offset: text.count, rule: rule, severity: finding.severity, keyframe: keyframe,
                displaced: isDisplaced))
        reference.sinceKeyframe += 1
        var present: UInt8 = 0
        if finding.expected != nil { present |= 1 }
        if finding.actual != nil { present |= 2 }
        if finding.eventType != nil { present |= 4 }
        if finding.eventID != nil { present |= 8 }
        if finding.subject != nil { present |= 16 }
        // An event id that is also the finding's `actual` (a duplicated or invalid id) is stored once.
        let idIsActual = finding.eventID != nil && finding.eventID == finding.actual
        if idIsActual { present |= 32 }
        text.append(present)
        varint(zigzag(finding.line &- Int(storedLine)))
        varint(zigzag(finding.eventIndex &- finding.line))
        code(finding.message, against: &reference.fields[0])
        if let value = finding.expected { code(value, against: &reference.fields[1]) }
        if let value = finding.actual { code(value, against: &reference.fields[2]) }
        if let value = finding.eventType { code(value, against: &reference.fields[3]) }
        if let value = finding.eventID, !idIsActual { code(value, against: &reference.fields[4]) }
        if let value = finding.subject { code(value, against: &reference.fields[5]) }
        varint(UInt64(finding.related.count))
        for (k, related) in finding.related.enumerated() {
            varint(zigzag(related.line &- finding.line))
            if k == reference.notes.count { reference.notes.append([]) }
            code(related.note, against: &reference.notes[k])
        }
        if reference.notes.count > finding.related.count {
            reference.notes.removeLast(reference.notes.count - finding.related.count)
        }
    }

    /// Makes everything appended so far visible to lookups by line (sorts the displaced findings appended since the
    /// last call into their list).
    public mutating func seal() {
        guard !unsealed.isEmpty else { return }
        for position in unsealed { displaced.append((exactLine(Int(position)), position)) }
        unsealed.removeAll()
        displaced.sort { $0.line != $1.line ? $0.line < $1.line : $0.position < $1.position }
    }

    /// Positions (for `finding(at:)`, `severity(at:)`, `rule(at:)`) of the findings on `line`, in the order they
    /// were appended.
    public func positions(line: Int) -> [Int] {
        let line32 = Int32(clamping: line)
        var lo = 0
        var hi = records.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if records[mid].storedLine < line32 { lo = mid + 1 } else { hi = mid }
        }
        var out: [Int] = []
        var k = lo
        while k < records.count, records[k].storedLine == line32 {
            // A displaced record holds another line; a line beyond 32 bits shares its stored value with others: the
            // text holds the exact one.
            if !records[k].displaced, Int(line32) == line || exactLine(k) == line { out.append(k) }
            k += 1
        }
        lo = 0
        hi = displaced.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if displaced[mid].line < line { lo = mid + 1 } else { hi = mid }
        }
        guard lo < displaced.count, displaced[lo].line == line else { return out }
        while lo < displaced.count, displaced[lo].line == line {
            out.append(Int(displaced[lo].position))
            lo += 1
        }
        out.sort()
        return out
    }

    public func severity(at position: Int) -> Severity { records[position].severity }
    public func rule(at position: Int) -> String { ruleIDs[Int(records[position].rule)] }
    public func line(at position: Int) -> Int { exactLine(position) }

    /// The exact line of the finding at `position` (the record's, plus the difference the text holds).
    private func exactLine(_ position: Int) -> Int {
        let record = records[position]
        var at = record.offset + 1
        return record.line &+ Self.unzigzag(Self.varint(text, &at))
    }

    /// Reads a varint from `bytes` at `at`, moving `at` past it.
    private static func varint(_ bytes: [UInt8], _ at: inout Int) -> UInt64 {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = bytes[at]
            at += 1
            v |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return v }
            shift += 7
        }
    }

    /// Makes room for `findings` more findings and `textBytes` more bytes of their text in one allocation each (a
    /// holder that can estimate the total avoids the slack of growing by doubling).
    public mutating func reserveCapacity(findings: Int, textBytes: Int) {
        records.reserveCapacity(records.count + findings)
        text.reserveCapacity(text.count + textBytes)
    }

    /// The bytes of text stored so far (for estimating the rest).
    public var textBytes: Int { text.count }

    /// The worst severity of the findings on `line`.
    public func worstSeverity(line: Int) -> Severity? { positions(line: line).map { records[$0].severity }.max() }

    /// The findings on `line`, in the order they were appended.
    public func findings(line: Int) -> [Finding] { positions(line: line).map(finding(at:)) }

    /// Every rule id, in the order the findings were appended.
    public var rules: [String] { records.map { ruleIDs[Int($0.rule)] } }

    /// The finding at `position` (append order), decoded from its keyframe on.
    public func finding(at position: Int) -> Finding {
        // The findings of the same rule back to the keyframe (at most `keyframeEvery`).
        var chain: [Int] = [position]
        var k = position
        let rule = records[position].rule
        while !records[k].keyframe {
            k -= 1
            while records[k].rule != rule { k -= 1 }
            chain.append(k)
        }
        var reference = Reference()
        for k in chain.dropFirst().reversed() { _ = decode(k, &reference) }
        return decode(position, &reference)
    }

    /// Every finding, in the order they were appended (decoded in one pass).
    public var all: [Finding] {
        var references = Array(repeating: Reference(), count: ruleIDs.count)
        return records.indices.map { decode($0, &references[Int(records[$0].rule)]) }
    }

    private mutating func number(_ rule: String) -> UInt16 {
        if lastRule < ruleIDs.count, ruleIDs[lastRule] == rule { return UInt16(lastRule) }
        if let n = ruleNumbers[rule] {
            lastRule = Int(n)
            return n
        }
        let n = UInt16(truncatingIfNeeded: ruleIDs.count)
        ruleIDs.append(rule)
        ruleNumbers[rule] = n
        references.append(Reference())
        lastRule = Int(n)
        return n
    }

    // MARK: - Coding

    private func zigzag(_ n: Int) -> UInt64 { UInt64(bitPattern: Int64((n << 1) ^ (n >> 63))) }
    private static func unzigzag(_ u: UInt64) -> Int { Int(Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))) }

    private mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            text.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        text.append(UInt8(v))
    }

    /// Appends `value` coded against the most similar of `recent` and updates `recent` (as `Self.use` does when
    /// decoding).
    ///
    /// The code is a varint `marker × recentValues + choice`, where `choice` is the place in `recent` of the value it
    /// is coded against (0 when `recent` is empty: coded against nothing) and `marker` 0 means equal to it; otherwise
    /// `marker − 1` is the length of the bytes between the shared prefix and suffix, and the prefix and suffix lengths
    /// (varints) and those bytes follow.
    private mutating func code(_ value: String, against recent: inout Recent) {
        var value = value
        value.withUTF8 { bytes in
            var (choice, prefix, suffix) = (0, 0, 0)
            for c in recent.indices {
                let reference = recent[c]
                let n = min(bytes.count, reference.count)
                var p = 0
                while p < n, bytes[p] == reference[p] { p += 1 }
                if p == bytes.count, bytes.count == reference.count {
                    varint(UInt64(c))  // marker 0: the same as recent[c]
                    Self.use(c, &recent)
                    return
                }
                var q = 0
                while q < n - p, bytes[bytes.count - 1 - q] == reference[reference.count - 1 - q] { q += 1 }
                if p + q > prefix + suffix { (choice, prefix, suffix) = (c, p, q) }
            }
            let marker = bytes.count - prefix - suffix + 1
            varint(UInt64(marker * Self.recentValues + choice))
            varint(UInt64(prefix))
            varint(UInt64(suffix))
            text.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[prefix..<(bytes.count - suffix)]))
            Self.remember(bytes, &recent)
        }
    }

    /// Moves `recent[c]` (a value used again) to the front.
    private static func use(_ c: Int, _ recent: inout Recent) {
        guard c > 0 else { return }
        let value = recent.remove(at: c)
        recent.insert(value, at: 0)
    }

    /// Puts a new value at the front of `recent`, dropping the least recently used beyond `recentValues` (its array is
    /// reused).
    private static func remember(_ bytes: UnsafeBufferPointer<UInt8>, _ recent: inout Recent) {
        var slot: [UInt8] = recent.count >= recentValues ? recent.removeLast() : []
        slot.removeAll(keepingCapacity: true)
        slot.append(contentsOf: bytes)
        recent.insert(slot, at: 0)
    }

    /// Decodes record `k` against `reference` (the previous finding of its rule) and makes it the reference.
    private func decode(_ k: Int, _ reference: inout Reference) -> Finding {
        let record = records[k]
        if record.keyframe { reference = Reference() }
        var at = record.offset
        func byte() -> UInt8 {
            defer { at += 1 }
            return text[at]
        }
        func varint() -> UInt64 { Self.varint(text, &at) }
        func string(_ recent: inout Recent) -> String {
            let code = Int(varint())
            let (marker, choice) = code.quotientAndRemainder(dividingBy: Self.recentValues)
            guard marker > 0 else {
                Self.use(choice, &recent)
                return String(decoding: recent[0], as: UTF8.self)
            }
            let reference = choice < recent.count ? recent[choice] : []
            let middle = marker - 1
            let prefix = Int(varint())
            let suffix = Int(varint())
            var bytes = Array(reference[0..<prefix])
            bytes += text[at..<(at + middle)]
            at += middle
            bytes += reference[(reference.count - suffix)...]
            bytes.withUnsafeBufferPointer { Self.remember($0, &recent) }
            return String(decoding: bytes, as: UTF8.self)
        }
        let present = byte()
        let line = record.line &+ Self.unzigzag(varint())
        let eventIndex = line &+ Self.unzigzag(varint())
        let message = string(&reference.fields[0])
        var optional: [String?] = []
        for bit in 0..<5 {
            if bit == 3, present & 32 != 0 {
                optional.append(optional[1])  // the event id is the actual value
                continue
            }
            optional.append(present & (1 << UInt8(bit)) != 0 ? string(&reference.fields[bit + 1]) : nil)
        }
        let relatedCount = Int(varint())
        var related: [RelatedLine] = []
        for n in 0..<relatedCount {
            let relatedLine = line &+ Self.unzigzag(varint())
            if n == reference.notes.count { reference.notes.append([]) }
            related.append(RelatedLine(line: relatedLine, note: string(&reference.notes[n])))
        }
        if reference.notes.count > relatedCount { reference.notes.removeLast(reference.notes.count - relatedCount) }
        return Finding(
            rule: ruleIDs[Int(record.rule)], severity: record.severity, message: message, expected: optional[0],
            actual: optional[1], line: line, eventIndex: eventIndex, eventType: optional[2],
            eventID: optional[3], subject: optional[4], related: related)
    }
}
