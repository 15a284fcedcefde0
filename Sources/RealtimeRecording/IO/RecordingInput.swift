import Foundation

/// Opens anything rtscope reads as a `RecordingReader`: a recording (streamed, constant memory), or a log that
/// `LogImporter` converts first (HAR, JSON array, JSONL of events; streamed into temporary files).
///
/// Works on standard input (`-`) too: the first bytes are sniffed, then handed back to the reader.
public enum RecordingInput {
    /// How many bytes are sniffed to recognise the input.
    public static let sniffBytes = 64 * 1024

    /// What was opened.
    public struct Opened {
        public let reader: RecordingReader
        /// The log format the input was imported from (`nil`: it was a recording).
        public let importedFrom: LogImporter.Kind?
        /// The recordings an import made (empty for a recording), in the order the reader reads them.
        public let imported: [ImportedRecording]
        /// Importer warnings (items skipped), one sentence each.
        public var importWarnings: [String] { imported.flatMap(\.warnings) }
    }

    /// - Throws: `RecordingError` when the file cannot be read or is neither a recording nor a supported log.
    public static func open(_ path: String, options: RecordingReader.Options = .init()) throws -> Opened {
        let file = try FileSource(path: path)
        let (prefix, eof) = try sniff(file)
        let kind = LogImporter.detect(prefix: prefix, complete: eof)
        let source = PrefixedSource(prefix, then: eof ? nil : file, name: path)
        switch kind {
        case nil where !holdsRecordingLines(prefix):
            throw RecordingError.notARecording(
                path: path,
                detail:
                    "from line 1 on, its first \(prefix.count < sniffBytes ? "\(prefix.count) bytes hold" : "64 KiB hold") "
                    + "no recording header, frame or event")
        case .recording?, nil:
            // A damaged recording (a frame line among bad ones) is read as a recording so the reader
            // reports what is wrong, line by line.
            return Opened(
                reader: RecordingReader(source: source, options: options), importedFrom: nil, imported: [])
        case let importKind?:
            // Streamed: the recordings are spooled to temporary files and read back from there.
            let recordings = try LogImporter.importSource(source, kind: importKind, name: path)
            let parts = try recordings.map { try $0.source(name: path) }
            return Opened(
                reader: RecordingReader(source: ChainSource(parts, name: path), options: options),
                importedFrom: importKind, imported: recordings)
        }
    }

    /// Whether `prefix` is blank (an empty recording), or any complete line of it is a recording
    /// header or frame (valid JSON with `format`, or with `dir` and `op`).
    ///
    /// Used only when `LogImporter.detect` recognised nothing: a text file, a binary file or a
    /// JSON document of another kind then fails with one sentence (exit 65) instead of one
    /// finding per line.
    public static func holdsRecordingLines(_ prefix: [UInt8]) -> Bool {
        var blank = true
        var scanner = LineScanner(mode: .record)
        var start = prefix.startIndex
        while start < prefix.endIndex {
            guard let end = prefix[start...].firstIndex(of: 0x0A) else { break }
            var line = prefix[start..<end]
            start = end + 1
            if line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
            if line.last == 0x0D { line = line.dropLast() }
            guard line.contains(where: { ![0x20, 0x09].contains($0) }) else { continue }
            blank = false
            let valid = line.withUnsafeBytes { scanner.scan($0) == nil }
            let fields = scanner.fields
            if valid, fields.has(.format) || (fields.has(.dir) && fields.has(.op)) { return true }
        }
        let rest = prefix[start...]
        return blank && !rest.contains(where: { ![0x20, 0x09, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) })
    }

    /// The first bytes of `file`: up to `sniffBytes`, stopping after the read that brings the first newline.
    static func sniff(_ file: FileSource) throws -> (prefix: [UInt8], eof: Bool) {
        var prefix = [UInt8](repeating: 0, count: sniffBytes)
        var filled = 0
        var eof = false
        while filled < sniffBytes {
            let n = try prefix.withUnsafeMutableBytes {
                try file.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...]))
            }
            if n == 0 {
                eof = true
                break
            }
            filled += n
            if prefix[(filled - n)..<filled].contains(0x0A) { break }
        }
        prefix.removeSubrange(filled...)
        return (prefix, eof)
    }
}

/// Serves `prefix` first, then the rest of another source.
struct PrefixedSource: ByteSource {
    let name: String
    private var prefix: [UInt8]
    private var position = 0
    private let rest: FileSource?

    init(_ prefix: [UInt8], then rest: FileSource?, name: String) {
        self.name = name
        self.prefix = prefix
        self.rest = rest
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if position < prefix.count {
            let n = min(buffer.count, prefix.count - position)
            prefix.withUnsafeBytes { src in
                guard let from = src.baseAddress else { return }
                buffer.baseAddress?.copyMemory(from: from + position, byteCount: n)
            }
            position += n
            return n
        }
        return try rest?.read(into: buffer) ?? 0
    }
}
