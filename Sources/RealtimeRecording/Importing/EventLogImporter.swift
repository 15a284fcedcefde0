import Foundation
import RealtimeProtocol

/// Imports lists of events (JSON arrays and JSONL, bare events or wrapper objects), one item at a time.
///
/// Memory: one item and its parse; frames go to an `ImportSpool` (or straight to an `ImportOutput`) as they are made.
final class EventLogImporter {
    static let directionKeys = ["direction", "dir", "source", "from", "sender"]
    static let timeKeys = ["timestamp", "time", "ts", "t"]

    private let kind: LogImporter.Kind
    private var spool: ImportSpool!
    private var warnings: [String] = []
    private var firstTime: Double?
    private var timed = false
    private var dialect: Dialect?
    private var recordScanner = LineScanner(mode: .record)
    /// The tape items are parsed onto, reused from one item to the next.
    private var tape: JSONTape?
    /// The one-pass path for bare events (see `addBareEvent`).
    private var bareScanner = LineScanner(mode: .bareEvent)
    private var types = TypeCache()
    /// The one-pass frames' heads after `seq`, by direction (they differ in nothing else).
    private let heads = (
        c2s: FrameEncoder.embeddedHeadAfterSeq(for: EventLogImporter.bareFrame(.clientToServer)),
        s2c: FrameEncoder.embeddedHeadAfterSeq(for: EventLogImporter.bareFrame(.serverToClient))
    )
    /// The frame `add(_:number:)` makes for a bare event with no time and no secret (`payload` aside).
    private static func bareFrame(_ direction: Direction) -> Frame {
        Frame(
            seq: 0, tUs: 0, conn: "import", direction: direction, directionInferred: true, opcode: .text, payload: [])
    }
    /// Items that took the one-pass path (for tests).
    private(set) var onePassItems = 0
    private var unit: String { kind == .jsonArray ? "item" : "line" }

    /// - Parameters:
    ///   - output: where to write the frames directly, or `nil` for a temporary spool.
    ///   - fileName, created: the header's facts, needed for a direct output's provisional header.
    init(kind: LogImporter.Kind, output: ImportOutput? = nil, fileName: String = "", created: Date = Date()) throws {
        self.kind = kind
        if let output {
            spool = ImportSpool(output: output) { [unowned self] in
                try header(fileName: fileName, created: created).encodedLine()
            }
        } else {
            spool = try ImportSpool()
        }
    }

    /// Adds item `number` (1-based): one JSON value's bytes, without newlines.
    ///
    /// A valid bare event with no secret takes one validating pass (`addBareEvent`); anything else is parsed onto
    /// the tape by `add(_:number:)` with `[UInt8]`.
    func add(_ item: UnsafeRawBufferPointer, number: Int) throws {
        if try addBareEvent(item) { return }
        try add(Array(item), number: number)
    }

    /// The common item in one pass.
    ///
    /// The item: a valid JSON object with a string `type` at its top, no raw CR/LF and no byte
    /// pattern `PayloadRedactor` acts on. The scanner that checks it (as `FrameEncoder` would) also finds `type` and
    /// `event_id`, so there is no tape, no second scan and no copy before the spool's buffer. The frame is the one
    /// `add(_:number:)` makes for such an item (a test compares them). `false`: nothing done, take the general path.
    private func addBareEvent(_ item: UnsafeRawBufferPointer) throws -> Bool {
        guard bareScanner.scan(item) == nil, !bareScanner.sawLineBreak else { return false }
        let fields = bareScanner.fields
        guard fields.kind(.type) == .string, let span = fields.span(.type), !PayloadRedactor.mayHoldSecret(item)
        else { return false }
        let typeBytes = UnsafeRawBufferPointer(rebasing: item[span.start..<span.end])
        let known = fields.isEscaped(.type) ? TypeCache.Entry(JSONText.unescape(typeBytes)) : types.entry(typeBytes)
        if dialect == nil { dialect = known.dialect }
        let direction =
            known.direction
            ?? Self.inferDirection(type: known.type) {
                guard fields.kind(.eventID) == .string, let id = fields.span(.eventID) else { return nil }
                return JSONText.unescape(UnsafeRawBufferPointer(rebasing: item[id.start..<id.end]))
            }
        let head = direction == .clientToServer ? heads.c2s : heads.s2c
        try spool.append(checkedEvent: item, headAfterSeq: head, inferred: true, redacted: false)
        onePassItems += 1
        return true
    }

    /// Adds item `number` (1-based): one JSON value's bytes, without newlines.
    ///
    /// The item is parsed onto a reused `JSONTape` (no Foundation value per event); only the few members the
    /// import needs are decoded.
    func add(_ item: [UInt8], number: Int) throws {
        let parsed = item.withUnsafeBytes { JSONTape.parse($0, reusing: &tape) }
        guard let object = parsed, object.isObject else {
            warnings.append("\(unit) \(number): skipped, not a JSON object")
            return
        }
        var eventBytes = item
        var event = object
        var explicit: Direction?
        var time: Double?
        if object["type"]?.kind != .string, let inner = object["event"], inner.isObject {
            // A wrapper: slice the inner event's bytes so they stay exactly as written.
            _ = item.withUnsafeBytes { recordScanner.scan($0) }
            if let span = recordScanner.fields.span(.event) {
                eventBytes = Array(item[span.start..<span.end])
            }
            event = inner
            explicit = Self.directionKeys.lazy.compactMap { object[$0]?.string.flatMap(Direction.init(word:)) }.first
            time = Self.timeKeys.lazy.compactMap { self.seconds(object[$0]) }.first
        }
        guard let typeValue = event["type"], typeValue.kind == .string, let type = typeValue.string else {
            warnings.append("\(unit) \(number): skipped, the event has no string \"type\"")
            return
        }
        if let time {
            timed = true
            firstTime = firstTime ?? time
        }
        if dialect == nil { dialect = DialectHints.fromEventType(type) }
        let clean = eventBytes.withUnsafeBytes { PayloadRedactor.redact($0) }
        let direction = explicit ?? Self.inferDirection(type: type, eventID: { event["event_id"]?.string })
        let tUs = time.map { Int64((($0 - (firstTime ?? $0)) * 1_000_000).rounded()) } ?? 0
        try spool.append(
            Frame(
                seq: 0, tUs: max(0, tUs),
                wall: time.map { RecordingFormat.wallClock(Date(timeIntervalSince1970: $0)) }, conn: "import",
                direction: direction, directionInferred: explicit == nil, opcode: .text,
                payload: clean ?? eventBytes, redacted: clean != nil))
    }

    /// Seconds since the epoch from a JSON number (seconds or milliseconds) or an ISO 8601 string.
    private func seconds(_ value: JSONValue?) -> Double? {
        guard let value else { return nil }
        switch value.kind {
        case .integer, .number:
            // The same rule as the static one (milliseconds above 10^11, nothing outside what the format can write).
            return Self.seconds(value.double.map { JSON.double($0) })
        case .string:
            return Self.seconds(value.string.map { JSON.string($0) })
        default:
            return nil
        }
    }

    /// The recording of the items added.
    /// - Throws: `RecordingError.importFailed` when no item was an event.
    func finish(name: String, fileName: String, created: Date) throws -> ImportedRecording {
        guard spool.frames > 0 else {
            throw RecordingError.importFailed(path: name, detail: "no event with a \"type\" was found")
        }
        try spool.finish()
        return ImportedRecording(header: header(fileName: fileName, created: created), warnings: warnings, spool: spool)
    }

    /// The header of the items added so far.
    private func header(fileName: String, created: Date) -> RecordingHeader {
        RecordingHeader(
            created: RecordingFormat.wallClock(created), source: "import", conn: "import", dialect: dialect,
            redacted: spool.redacted ? [PayloadRedactor.headerNote] : nil,
            imported: ImportInfo(from: kind.rawValue, file: fileName, timed: timed),
            note: timed ? nil : "the source had no timestamps: every t_us is 0")
    }

    /// The direction the catalog gives a type; for unknown types, the console's heuristic
    /// (server event ids start with `event_`).
    static func inferDirection(type: String, eventID: () -> String?) -> Direction {
        if let spec = EventCatalog.standard.spec(for: type) { return spec.direction }
        return eventID()?.hasPrefix("event_") == true ? .serverToClient : .clientToServer
    }

    /// Seconds since the epoch from a number (seconds or milliseconds) or an ISO 8601 string; `nil` for a time the
    /// recording format cannot write (before 1970 or after `RecordingFormat.latestSeconds`, the end of year 9999; not
    /// finite): the event is imported without it, as one with no time.
    static func seconds(_ value: JSON?) -> Double? {
        guard let t = anySeconds(value), t.isFinite, t >= 0, t <= RecordingFormat.latestSeconds else { return nil }
        return t
    }

    private static func anySeconds(_ value: JSON?) -> Double? {
        if let v = value?.double { return v > 1e11 ? v / 1000 : v }
        guard let text = value?.string else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)?.timeIntervalSince1970
    }
}

/// What an event type gives an import (catalog direction, dialect hint), by the type's raw bytes.
///
/// So the common types are decoded and looked up once per import rather than once per event. Holds at most
/// `slots` types.
struct TypeCache {
    struct Entry {
        let type: String
        /// The catalog's direction; `nil` for a type the catalog does not know (the event id decides).
        let direction: Direction?
        let dialect: Dialect?

        init(_ type: String) {
            self.type = type
            direction = EventCatalog.standard.spec(for: type)?.direction
            dialect = DialectHints.fromEventType(type)
        }
    }

    /// Slots of the direct-mapped table: a type whose slot another type took is decoded and looked up again.
    static let slots = 256
    private var table: [(bytes: [UInt8], entry: Entry)?] = Array(repeating: nil, count: TypeCache.slots)

    mutating func entry(_ bytes: UnsafeRawBufferPointer) -> Entry {
        // The slot from the length and three bytes: cheap, and distinct for the catalog's types in practice.
        let n = bytes.count
        var h = UInt(n) &* 31
        if n > 0 { h = (h ^ UInt(bytes[n - 1])) &* 31 ^ UInt(bytes[n / 2]) &* 7 ^ UInt(bytes[min(n - 1, 9)]) }
        let slot = Int(h % UInt(Self.slots))
        if let hit = table[slot], hit.bytes.count == n, Self.same(hit.bytes, bytes) {
            return hit.entry
        }
        let entry = Entry(String(decoding: bytes, as: UTF8.self))
        table[slot] = (Array(bytes), entry)
        return entry
    }

    /// Whether `a` and `b` (of one length) hold the same bytes: `memcmp`, where `elementsEqual` compared a byte at a
    /// time through the generic iterator.
    private static func same(_ a: [UInt8], _ b: UnsafeRawBufferPointer) -> Bool {
        a.withUnsafeBytes { a in
            guard let x = a.baseAddress, let y = b.baseAddress else { return a.count == b.count }
            return memcmp(x, y, a.count) == 0
        }
    }
}
