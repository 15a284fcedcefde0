public import Foundation
import RealtimeProtocol

/// Turns other tools' logs into recordings.
///
/// Accepted inputs (detected from content, not from the file name):
/// - HAR with `_webSocketMessages` (Chrome DevTools, mitmproxy, HTTP Toolkit): one recording per
///   WebSocket entry, with the entry's URL and headers (secrets removed) as the handshake;
/// - a JSON array of events, or of wrapper objects `{"event": {…}, "direction": …, "timestamp": …}`;
/// - JSONL with one event (or wrapper) per line, as SDK debug logs and "download log" buttons write.
///
/// Events are kept byte for byte where the source had them on one line; pretty-printed events are
/// minified without reordering keys. Where the source does not say who sent an event, the
/// direction comes from the event catalog and the frame is marked `dir_inferred`.
public enum LogImporter {
    public enum Kind: String, Sendable {
        case recording, har, jsonArray = "json-array", jsonlEvents = "jsonl-events"
    }

    /// Guesses what `prefix` (the start of a file, or all of it when `complete`) is.
    ///
    /// `nil`: not something rtscope reads.
    public static func detect(prefix: [UInt8], complete: Bool = true) -> Kind? {
        var start = 0
        if prefix.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        while start < prefix.count, [0x20, 0x09, 0x0A, 0x0D].contains(prefix[start]) { start += 1 }
        guard start < prefix.count else { return nil }
        if prefix[start] == UInt8(ascii: "[") { return .jsonArray }
        guard prefix[start] == UInt8(ascii: "{") else { return nil }
        guard let lineEnd = prefix[start...].firstIndex(of: 0x0A) ?? (complete ? prefix.count : nil) else {
            return detectCutLine(Array(prefix[start...]))
        }
        var line = Array(prefix[start..<lineEnd])
        if line.last == 0x0D { line.removeLast() }
        var scanner = LineScanner(mode: .record)
        let valid = line.withUnsafeBytes { scanner.scan($0) == nil }
        guard valid else {
            // A damaged header line: read as a recording, so its frames are kept and the header is reported.
            if RecordingHeader.looksLikeHeader(line) { return .recording }
            return .har  // a multi-line (pretty) JSON document, or one long line cut by the prefix
        }
        let fields = scanner.fields
        if fields.has(.format) || (fields.has(.dir) && fields.has(.op)) { return .recording }
        guard let object = try? JSON(parsing: line), object.object != nil else { return nil }
        if object["log"] != nil { return .har }
        if object["type"]?.string != nil || object["event"]?.object != nil { return .jsonlEvents }
        return nil
    }

    /// Classifies a first line longer than the prefix by the keys it starts with.
    private static func detectCutLine(_ head: [UInt8]) -> Kind? {
        let text = String(decoding: head.prefix(4096), as: UTF8.self)
        if text.contains("\"format\":\"\(RecordingHeader.formatName)\"") || text.contains("\"dir\":\"c2s\"")
            || text.contains("\"dir\":\"s2c\"")
        {
            return .recording
        }
        if text.hasPrefix("{\"log\"") { return .har }
        return text.contains("\"type\"") || text.contains("\"event\"") ? .jsonlEvents : nil
    }

    /// Imports `bytes` (the whole file) of the given kind (see `importSource`).
    public static func importBytes(_ bytes: [UInt8], kind: Kind, name: String, created: Date = Date()) throws
        -> [ImportedRecording]
    {
        try importSource(MemorySource(bytes, name: name), kind: kind, name: name, created: created)
    }

    /// Imports the log read from `source`, streaming.
    ///
    /// Memory stays at about one item (an event, a HAR message) plus a read chunk whatever the input's size: items
    /// are decoded one at a time and frame lines go to unlinked temporary files (`ImportedRecording` reads them back).
    /// - Parameters:
    ///   - name: the source's file name, recorded in the header.
    ///   - output: for a JSON array or JSONL log (one recording), the file to write the frames into directly; the
    ///     recording's `write(to:)` with its path then puts it in place (see `ImportOutput`). Ignored for HAR.
    /// - Throws: `RecordingError.importFailed` with a one-sentence reason; `RecordingError.cannotRead`/`cannotWrite`
    ///   when the input cannot be read or no temporary file can be written.
    public static func importSource(
        _ source: any ByteSource, kind: Kind, name: String, output: ImportOutput? = nil, created: Date = Date()
    ) throws -> [ImportedRecording] {
        let fileName = (name as NSString).lastPathComponent
        let cursor = JSONCursor(source)
        switch kind {
        case .recording:
            throw RecordingError.importFailed(path: name, detail: "it is already an rtscope recording")
        case .har:
            return try HARImporter.importHAR(cursor, name: name, fileName: fileName, created: created)
        case .jsonArray:
            let invalid = "the file starts with '[' but is not a valid JSON array"
            let importer = try EventLogImporter(kind: .jsonArray, output: output, fileName: fileName, created: created)
            do {
                try cursor.elements(invalid) { k in
                    guard let item = try cursor.value(keep: true) else { throw cursor.failure(invalid) }
                    // Valid items minified (keys and numbers as written); anything else as is, for `add` to report.
                    let minified = item.withUnsafeBytes { (try? JSON.tape($0))?.minified }
                    try (minified ?? item).withUnsafeBytes { try importer.add($0, number: k + 1) }
                }
                guard try cursor.peek() == nil else { throw cursor.failure(invalid) }
            } catch RecordingError.importFailed(_, let detail) where !detail.hasPrefix(invalid) {
                throw RecordingError.importFailed(path: name, detail: "\(invalid): \(detail)")
            }
            return [try importer.finish(name: name, fileName: fileName, created: created)]
        case .jsonlEvents:
            let importer = try EventLogImporter(
                kind: .jsonlEvents, output: output, fileName: fileName, created: created)
            var number = 0
            // Each line is read in place in the cursor's buffer (no copy unless the general path needs one).
            while try cursor.withLine({ line in
                number += 1
                var line = line
                if line.starts(with: [0xEF, 0xBB, 0xBF]) { line = UnsafeRawBufferPointer(rebasing: line[3...]) }
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
                try importer.add(line, number: number)
            }) != nil {}
            return [try importer.finish(name: name, fileName: fileName, created: created)]
        }
    }

    /// Detects and imports the log at `path` (`-`: standard input), streaming.
    ///
    /// Returns the kind found (`nil`: not something rtscope reads; `.recording`: nothing was imported) and the
    /// recordings. - Throws: `RecordingError` as `importSource` does, or `cannotOpen` when the file cannot be opened.
    /// With `output`, a one-recording log is written into it as it is read (see `importSource`).
    public static func importFile(_ path: String, output: ImportOutput? = nil, created: Date = Date()) throws -> (
        kind: Kind?, recordings: [ImportedRecording]
    ) {
        let file = try FileSource(path: path)
        let (prefix, eof) = try RecordingInput.sniff(file)
        let kind = detect(prefix: prefix, complete: eof)
        guard let kind, kind != .recording else { return (kind, []) }
        let source = PrefixedSource(prefix, then: eof ? nil : file, name: path)
        return (kind, try importSource(source, kind: kind, name: path, output: output, created: created))
    }
}
