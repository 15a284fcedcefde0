import Foundation

/// Opens anything rtscope reads as a `RecordingReader`: a recording (streamed, constant memory), or a log that
/// `LogImporter` converts in memory first (HAR, JSON array, JSONL of events).
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
        /// Importer warnings (items skipped), one sentence each.
        public let importWarnings: [String]
    }

    /// - Throws: `RecordingError` when the file cannot be read or is neither a recording nor a supported log.
    public static func open(_ path: String, options: RecordingReader.Options = .init()) throws -> Opened {
        let file = try FileSource(path: path)
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
        let kind = LogImporter.detect(prefix: prefix, complete: eof)
        switch kind {
        case .recording?, nil:
            // Unrecognised input is read as a recording so the reader reports what is wrong, line by line.
            let source = PrefixedSource(prefix, then: eof ? nil : file, name: path)
            return Opened(
                reader: RecordingReader(source: source, options: options), importedFrom: nil, importWarnings: [])
        case let importKind?:
            var all = prefix
            if !eof { try readRest(file, into: &all) }
            let recordings = try LogImporter.importBytes(all, kind: importKind, name: path)
            var bytes: [UInt8] = []
            for recording in recordings { bytes += try recording.encoded() }
            return Opened(
                reader: RecordingReader(source: MemorySource(bytes, name: path), options: options),
                importedFrom: importKind, importWarnings: recordings.flatMap(\.warnings))
        }
    }

    private static func readRest(_ source: FileSource, into bytes: inout [UInt8]) throws {
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { return }
            bytes.append(contentsOf: chunk[..<n])
        }
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
