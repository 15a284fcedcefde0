import Foundation
public import RealtimeProtocol

/// A compact per-line index of a recording, built in one streaming pass by the line scanner.
///
/// Each frame costs one `Entry` (56 bytes) plus its interned strings: event types and the ids that
/// repeat (response, item, call) are stored once in `strings` and referenced by number; the
/// `event_id`, unique per event, is kept as a 64-bit hash only (`hash(_:)` computes the same for a
/// string). A 1 GiB recording of ~300k frames needs about 20 MB. Full events are decoded only on request, by reading the frame's bytes back from the
/// file at its offset (`event(at:path:)`).
public struct RecordingIndex: Sendable {
    /// One indexed frame.
    public struct Entry: Sendable, Hashable {
        /// 1-based line number.
        public let line: Int32
        /// Length of the line in bytes (without its terminator).
        public let length: Int32
        /// Byte offset of the line in the file.
        public let offset: Int64
        public let tUs: Int64
        public let direction: Direction
        public let opcode: Opcode
        /// Indexes into `strings`; -1 when absent.
        public let type: Int32
        /// FNV-1a of the `event_id` bytes (0 when absent); compare with `RecordingIndex.hash(_:)`.
        public let eventIDHash: UInt64
        public let responseID: Int32
        public let itemID: Int32
        public let callID: Int32
    }

    public private(set) var entries: [Entry] = []
    /// Interned strings (event types and ids), referenced by index from entries.
    public private(set) var strings: [String] = []
    /// Reader issues, in line order.
    public private(set) var issues: [ReaderIssue] = []
    public private(set) var header: RecordingHeader?
    private var lookup: [String: Int32] = [:]

    /// The string an entry field refers to.
    public func string(_ index: Int32) -> String? { index >= 0 ? strings[Int(index)] : nil }

    /// The event type of entry `i`.
    public func type(of i: Int) -> String? { string(entries[i].type) }

    /// Indexes everything `reader` yields.
    /// - Throws: only if the reader's source fails.
    public static func build(_ reader: RecordingReader) throws -> RecordingIndex {
        var index = RecordingIndex()
        try reader.read { event in
            switch event {
            case .issue(let issue): index.issues.append(issue)
            case .line(let line): if line.kind == .frame { index.add(line) }
            }
            return true
        }
        index.header = reader.header
        return index
    }

    public init() {}

    /// Adds a reader issue (for indexes built by hand, line by line).
    public mutating func append(issue: ReaderIssue) { issues.append(issue) }

    /// Makes room for `count` entries in one allocation (a caller that can estimate the total avoids the
    /// doubling growth, whose last step holds the old and the new array at once).
    public mutating func reserveCapacity(_ count: Int) { entries.reserveCapacity(count) }

    /// Sets the header (for indexes built by hand).
    public mutating func setHeader(_ header: RecordingHeader?) { self.header = header ?? self.header }

    /// Adds one frame line (for indexes built by hand, for example while following a growing file).
    public mutating func append(_ line: RecordLine) { add(line) }

    private mutating func add(_ line: RecordLine) {
        func interned(_ primary: ScanSlot, _ fallback: ScanSlot? = nil) -> Int32 {
            guard let text = line.string(primary) ?? fallback.flatMap({ line.string($0) }) else { return -1 }
            if let known = lookup[text] { return known }
            let id = Int32(strings.count)
            strings.append(text)
            lookup[text] = id
            return id
        }
        entries.append(
            Entry(
                line: Int32(line.number), length: Int32(line.bytes.count), offset: line.offset, tUs: line.tUs,
                direction: line.direction ?? .serverToClient, opcode: line.opcode ?? .text, type: interned(.type),
                eventIDHash: line.fields.span(.eventID).map { Self.hash(line.slice($0)) } ?? 0,
                responseID: interned(.responseID, .responseDotID),
                itemID: interned(.itemID, .itemDotID), callID: interned(.callID, .itemDotCallID)))
    }

    /// FNV-1a over bytes: the hash `Entry.eventIDHash` holds.
    public static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// Reads entry `i`'s line back from `path` and decodes its event (nil for non-JSON frames).
    public func event(at i: Int, path: String) -> JSON? {
        let entry = entries[i]
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard (try? handle.seek(toOffset: UInt64(entry.offset))) != nil,
            let data = try? handle.read(upToCount: Int(entry.length)), data.count == Int(entry.length)
        else { return nil }
        return event(at: i, line: Array(data))
    }

    /// Decodes the event of entry `i` from its line's bytes (`entries[i].length` bytes at `entries[i].offset`, read by
    /// the caller); nil for non-JSON frames.
    public func event(at i: Int, line bytes: [UInt8]) -> JSON? {
        let entry = entries[i]
        var scanner = LineScanner()
        guard bytes.withUnsafeBytes({ scanner.scan($0) }) == nil else { return nil }
        return bytes.withUnsafeBytes { raw in
            RecordLine(kind: .frame, number: Int(entry.line), offset: entry.offset, bytes: raw, fields: scanner.fields)
                .event()
        }
    }
}
