import Foundation
import RealtimeProtocol

/// Imports HAR files: every entry with `_webSocketMessages` becomes one recording.
///
/// Message fields as Chrome DevTools, mitmproxy and HTTP Toolkit write them: `type`
/// (`send` | `receive` | `error`), `time` (seconds since the epoch, float), `opcode` (RFC 6455;
/// -1 for errors) and `data` (text, or base64 for binary frames).
enum HARImporter {
    static func importHAR(_ bytes: [UInt8], name: String, fileName: String, created: Date) throws
        -> [ImportedRecording]
    {
        guard let root = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw RecordingError.importFailed(path: name, detail: "it is not valid JSON")
        }
        guard let log = root["log"] as? [String: Any], let entries = log["entries"] as? [[String: Any]] else {
            throw RecordingError.importFailed(path: name, detail: "it is a JSON object without log.entries (not a HAR)")
        }
        var recordings: [ImportedRecording] = []
        for (index, entry) in entries.enumerated() {
            guard let messages = entry["_webSocketMessages"] as? [[String: Any]] else { continue }
            recordings.append(recording(entry, index: index, messages: messages, fileName: fileName, created: created))
        }
        guard !recordings.isEmpty else {
            throw RecordingError.importFailed(
                path: name, detail: "the HAR has no WebSocket entries with _webSocketMessages")
        }
        return recordings
    }

    private static func recording(
        _ entry: [String: Any], index: Int, messages: [[String: Any]], fileName: String, created: Date
    ) -> ImportedRecording {
        let conn = "har-\(index)"
        var removed: [String] = []
        let request = entry["request"] as? [String: Any] ?? [:]
        let response = entry["response"] as? [String: Any] ?? [:]
        let url = (request["url"] as? String).map { Redactor.url($0, removed: &removed) }
        let requestHeaders = Redactor.headers(headerMap(request["headers"]), removed: &removed)
        let responseHeaders = Redactor.headers(headerMap(response["headers"]), removed: &removed)
        let path = url.flatMap { u in
            u.range(of: "://").flatMap { r in u[r.upperBound...].firstIndex(of: "/") }.map { String(u[$0...]) }
        }
        let handshake = Handshake(
            request: HTTPHead(method: request["method"] as? String, path: path, headers: requestHeaders),
            response: HTTPHead(status: response["status"] as? Int, headers: responseHeaders),
            subprotocol: responseHeaders["sec-websocket-protocol"])
        var dialect = url.flatMap(DialectHints.fromURL) ?? DialectHints.fromHeaders(requestHeaders)
        var frames: [Frame] = []
        var warnings: [String] = []
        let firstTime = messages.lazy.compactMap { EventLogImporter.seconds($0["time"]) }.first
        for (k, message) in messages.enumerated() {
            let kind = (message["type"] as? String)?.lowercased() ?? ""
            let data = message["data"] as? String ?? ""
            let opcodeNumber = (message["opcode"] as? Int) ?? (kind == "error" ? -1 : 1)
            let time = EventLogImporter.seconds(message["time"])
            let direction: Direction
            var inferred = false
            if kind == "error" {
                direction = .serverToClient
                inferred = true
            } else if let d = Direction(word: kind) {
                direction = d
            } else {
                warnings.append("entry \(index) message \(k + 1): skipped, unknown type \"\(kind)\"")
                continue
            }
            var (opcode, payload) = decode(opcodeNumber, data)
            let clean = opcode == .text ? PayloadRedactor.redact(payload) : nil
            if let clean { payload = clean }
            if opcode == .text, let type = eventType(payload) { dialect = dialect ?? DialectHints.fromEventType(type) }
            frames.append(
                Frame(
                    seq: frames.count + 1,
                    tUs: max(0, Int64(((time ?? firstTime ?? 0) - (firstTime ?? 0)) * 1_000_000)),
                    wall: time.map { RecordingFormat.wallClock(Date(timeIntervalSince1970: $0)) }, conn: conn,
                    direction: direction, directionInferred: inferred, opcode: opcode, payload: payload,
                    redacted: clean != nil))
        }
        if frames.contains(where: \.redacted) { removed.append(PayloadRedactor.headerNote) }
        let header = RecordingHeader(
            created: RecordingFormat.wallClock(created), source: "import", conn: conn, upstream: url, dialect: dialect,
            handshake: handshake, redacted: removed.isEmpty ? nil : removed,
            imported: ImportInfo(from: "har", file: fileName, entry: index, timed: firstTime != nil))
        return ImportedRecording(header: header, frames: frames, warnings: warnings)
    }

    /// HAR `headers` arrays (`[{name, value}]`) as a lower-cased map; repeats joined with ", ".
    static func headerMap(_ value: Any?) -> [String: String] {
        var map: [String: String] = [:]
        for header in value as? [[String: Any]] ?? [] {
            guard let name = (header["name"] as? String)?.lowercased(), let v = header["value"] as? String else {
                continue
            }
            map[name] = map[name].map { "\($0), \(v)" } ?? v
        }
        return map
    }

    private static func decode(_ opcode: Int, _ data: String) -> (Opcode, [UInt8]) {
        switch opcode {
        case 1:
            let bytes = Array(data.utf8)
            // A pretty-printed JSON frame cannot be embedded on one line; minify it (keys keep their order).
            if bytes.contains(0x0A) || bytes.contains(0x0D),
                (try? JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed)) != nil
            {
                return (.text, JSONBytes.minify(bytes))
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

    private static func eventType(_ payload: [UInt8]) -> String? {
        var scanner = LineScanner(mode: .bareEvent)
        guard payload.withUnsafeBytes({ scanner.scan($0) }) == nil, let span = scanner.fields.span(.type) else {
            return nil
        }
        return String(decoding: payload[span.start..<span.end], as: UTF8.self)
    }
}
