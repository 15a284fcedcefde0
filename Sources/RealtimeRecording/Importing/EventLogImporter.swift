import Foundation
import RealtimeProtocol

/// Imports lists of events (JSON arrays and JSONL, bare events or wrapper objects), one item at a time.
///
/// Memory: one item and its Foundation decoding; frames go to an `ImportSpool` as they are made.
final class EventLogImporter {
    static let directionKeys = ["direction", "dir", "source", "from", "sender"]
    static let timeKeys = ["timestamp", "time", "ts", "t"]

    private let kind: LogImporter.Kind
    private let spool: ImportSpool
    private var warnings: [String] = []
    private var firstTime: Double?
    private var timed = false
    private var dialect: Dialect?
    private var recordScanner = LineScanner(mode: .record)
    /// The tape items are parsed onto, reused from one item to the next.
    private var tape: JSONTape?
    private var unit: String { kind == .jsonArray ? "item" : "line" }

    init(kind: LogImporter.Kind) throws {
        self.kind = kind
        spool = try ImportSpool()
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
            guard let v = value.double else { return nil }
            return v > 1e11 ? v / 1000 : v
        case .string:
            return Self.seconds(value.string.map { JSON.string($0) })
        default:
            return nil
        }
    }

    /// The recording of the items added.
    /// - Throws: `RecordingError.importFailed` when no item was an event.
    func finish(name: String, fileName: String, created: Date) throws -> ImportedRecording {
        try spool.finish()
        guard spool.frames > 0 else {
            throw RecordingError.importFailed(path: name, detail: "no event with a \"type\" was found")
        }
        let header = RecordingHeader(
            created: RecordingFormat.wallClock(created), source: "import", conn: "import", dialect: dialect,
            redacted: spool.redacted ? [PayloadRedactor.headerNote] : nil,
            imported: ImportInfo(from: kind.rawValue, file: fileName, timed: timed),
            note: timed ? nil : "the source had no timestamps: every t_us is 0")
        return ImportedRecording(header: header, warnings: warnings, spool: spool)
    }

    /// The direction the catalog gives a type; for unknown types, the console's heuristic
    /// (server event ids start with `event_`).
    static func inferDirection(type: String, eventID: () -> String?) -> Direction {
        if let spec = EventCatalog.standard.spec(for: type) { return spec.direction }
        return eventID()?.hasPrefix("event_") == true ? .serverToClient : .clientToServer
    }

    /// Seconds since the epoch from a number (seconds or milliseconds) or an ISO 8601 string.
    static func seconds(_ value: JSON?) -> Double? {
        if let v = value?.double { return v > 1e11 ? v / 1000 : v }
        guard let text = value?.string else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)?.timeIntervalSince1970
    }
}
