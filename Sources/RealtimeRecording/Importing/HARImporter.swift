import Foundation
import RealtimeProtocol

/// Imports HAR files: every entry with `_webSocketMessages` becomes one recording.
///
/// Message fields as Chrome DevTools, mitmproxy and HTTP Toolkit write them: `type`
/// (`send` | `receive` | `error`), `time` (seconds since the epoch, float), `opcode` (RFC 6455;
/// -1 for errors) and `data` (text, or base64 for binary frames).
///
/// Streamed: the document is walked with a `JSONCursor` down to `log.entries[i]._webSocketMessages[j]`, and each
/// message is decoded on its own, so memory holds one message (plus an entry's `request` and `response`), never
/// the whole file. Entry keys may come in any order.
enum HARImporter {
    static func importHAR(_ cursor: JSONCursor, name: String, fileName: String, created: Date) throws
        -> [ImportedRecording]
    {
        var recordings: [ImportedRecording] = []
        var sawEntries = false
        guard try cursor.peek() == UInt8(ascii: "{") else {
            throw RecordingError.importFailed(path: name, detail: "it is not valid JSON")
        }
        try cursor.members("it is not valid JSON") { key in
            guard key == Self.log, try cursor.peek() == UInt8(ascii: "{") else { return try skip(cursor) }
            try cursor.members("its log object is not valid JSON") { key in
                guard key == Self.entries, try cursor.peek() == UInt8(ascii: "[") else { return try skip(cursor) }
                sawEntries = true
                try cursor.elements("its log.entries array is not valid JSON") { index in
                    if let recording = try entry(cursor, index: index, fileName: fileName, created: created) {
                        recordings.append(recording)
                    }
                }
            }
        }
        guard try cursor.peek() == nil else { throw cursor.failure("extra data after the JSON document") }
        guard sawEntries else {
            throw RecordingError.importFailed(path: name, detail: "it is a JSON object without log.entries (not a HAR)")
        }
        guard !recordings.isEmpty else {
            throw RecordingError.importFailed(
                path: name, detail: "the HAR has no WebSocket entries with _webSocketMessages")
        }
        return recordings
    }

    private static let log = Array("log".utf8)
    private static let entries = Array("entries".utf8)
    private static let messagesKey = Array("_webSocketMessages".utf8)

    private static func skip(_ cursor: JSONCursor) throws {
        guard try cursor.value(keep: false) != nil else { throw cursor.failure("invalid JSON") }
    }

    /// One entry: `nil` when it has no `_webSocketMessages`.
    private static func entry(_ cursor: JSONCursor, index: Int, fileName: String, created: Date) throws
        -> ImportedRecording?
    {
        guard try cursor.peek() == UInt8(ascii: "{") else {
            try skip(cursor)
            return nil
        }
        var request = JSON.object([])
        var response = JSON.object([])
        var messages: MessageImporter?
        try cursor.members("a log.entries item is not valid JSON") { key in
            switch key {
            case Array("request".utf8), Array("response".utf8):
                let bytes = try cursor.value(keep: true) ?? []
                let parsed = try? JSON(parsing: bytes)
                let object = parsed?.object != nil ? parsed ?? [] : JSON.object([])
                if key.first == UInt8(ascii: "r"), key.count == 7 { request = object } else { response = object }
            case messagesKey where try cursor.peek() == UInt8(ascii: "["):
                let importer = try messages ?? MessageImporter(index: index)
                messages = importer
                try cursor.elements("a _webSocketMessages array is not valid JSON") { k in
                    let message = try cursor.value(keep: true) ?? []
                    try importer.add(message, number: k + 1)
                }
            default:
                try skip(cursor)
            }
        }
        return try messages?.finish(
            request: request, response: response, fileName: fileName, created: created)
    }

    /// The frames of one entry's messages, spooled as they come.
    final class MessageImporter {
        let index: Int
        let conn: String
        let spool: ImportSpool
        var warnings: [String] = []
        var firstTime: Double?
        var eventDialect: Dialect?

        init(index: Int) throws {
            self.index = index
            conn = "har-\(index)"
            spool = try ImportSpool()
        }

        func add(_ bytes: [UInt8], number k: Int) throws {
            guard let message = try? JSON(parsing: bytes), message.object != nil else {
                warnings.append("entry \(index) message \(k): skipped, not a JSON object")
                return
            }
            let kind = message["type"]?.string?.lowercased() ?? ""
            let data = message["data"]?.string ?? ""
            let opcodeNumber = message["opcode"].flatMap(HARImporter.exactInt) ?? (kind == "error" ? -1 : 1)
            let time = EventLogImporter.seconds(message["time"])
            if let time, firstTime == nil { firstTime = time }
            let direction: Direction
            var inferred = false
            if kind == "error" {
                direction = .serverToClient
                inferred = true
            } else if let d = Direction(word: kind) {
                direction = d
            } else {
                warnings.append("entry \(index) message \(k): skipped, unknown type \"\(kind)\"")
                return
            }
            var (opcode, payload) = decode(opcodeNumber, data)
            let clean = opcode == .text ? PayloadRedactor.redact(payload) : nil
            if let clean { payload = clean }
            if opcode == .text, eventDialect == nil, let type = eventType(payload) {
                eventDialect = DialectHints.fromEventType(type)
            }
            try spool.append(
                Frame(
                    seq: 0,
                    tUs: max(0, Int64(((time ?? firstTime ?? 0) - (firstTime ?? 0)) * 1_000_000)),
                    wall: time.map { RecordingFormat.wallClock(Date(timeIntervalSince1970: $0)) }, conn: conn,
                    direction: direction, directionInferred: inferred, opcode: opcode, payload: payload,
                    redacted: clean != nil))
        }

        func finish(request: JSON, response: JSON, fileName: String, created: Date) throws
            -> ImportedRecording
        {
            try spool.finish()
            var removed: [String] = []
            let url = request["url"]?.string.map { Redactor.url($0, removed: &removed) }
            let requestHeaders = Redactor.headers(headerMap(request["headers"]), removed: &removed)
            let responseHeaders = Redactor.headers(headerMap(response["headers"]), removed: &removed)
            let path = url.flatMap { u in
                u.range(of: "://").flatMap { r in u[r.upperBound...].firstIndex(of: "/") }.map { String(u[$0...]) }
            }
            let handshake = Handshake(
                request: HTTPHead(method: request["method"]?.string, path: path, headers: requestHeaders),
                response: HTTPHead(status: response["status"].flatMap(HARImporter.exactInt), headers: responseHeaders),
                subprotocol: responseHeaders["sec-websocket-protocol"])
            let dialect =
                url.flatMap(DialectHints.fromURL) ?? DialectHints.fromHeaders(requestHeaders) ?? eventDialect
            if spool.redacted { removed.append(PayloadRedactor.headerNote) }
            let header = RecordingHeader(
                created: RecordingFormat.wallClock(created), source: "import", conn: conn, upstream: url,
                dialect: dialect, handshake: handshake, redacted: removed.isEmpty ? nil : removed,
                imported: ImportInfo(from: "har", file: fileName, entry: index, timed: firstTime != nil))
            return ImportedRecording(header: header, warnings: warnings, spool: spool)
        }
    }

    /// A whole number (`1` or `1.0`, as `NSNumber as? Int` read it), else nil.
    static func exactInt(_ value: JSON) -> Int? {
        value.int ?? value.double.flatMap { Int(exactly: $0) }
    }

    /// HAR `headers` arrays (`[{name, value}]`) as a lower-cased map; repeats joined with ", ".
    static func headerMap(_ value: JSON?) -> [String: String] {
        var map: [String: String] = [:]
        for header in value?.array ?? [] {
            guard let name = header["name"]?.string?.lowercased(), let v = header["value"]?.string else {
                continue
            }
            map[name] = map[name].map { "\($0), \(v)" } ?? v
        }
        return map
    }

    fileprivate static func decode(_ opcode: Int, _ data: String) -> (Opcode, [UInt8]) {
        switch opcode {
        case 1:
            let bytes = Array(data.utf8)
            // A pretty-printed JSON frame cannot be embedded on one line; minify it (keys keep their order).
            if bytes.contains(0x0A) || bytes.contains(0x0D),
                let value = bytes.withUnsafeBytes({ try? JSON.tape($0) })
            {
                return (.text, value.minified)
            }
            return (.text, bytes)
        case 2, 9, 10:
            let op: Opcode = opcode == 2 ? .binary : opcode == 9 ? .ping : .pong
            return (op, Data(base64Encoded: data).map(Array.init) ?? Array(data.utf8))
        case 8: return (.close, Array(data.utf8))
        case 0: return (.cont, Data(base64Encoded: data).map(Array.init) ?? Array(data.utf8))
        default: return (.error, Array(data.utf8))
        }
    }

    fileprivate static func eventType(_ payload: [UInt8]) -> String? {
        var scanner = LineScanner(mode: .bareEvent)
        guard payload.withUnsafeBytes({ scanner.scan($0) }) == nil, let span = scanner.fields.span(.type) else {
            return nil
        }
        return String(decoding: payload[span.start..<span.end], as: UTF8.self)
    }
}
