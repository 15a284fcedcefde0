import Foundation
import RealtimeProtocol

/// What the reader hands to its callback: a line, or an issue about the input.
public enum ReaderEvent {
    case line(RecordLine)
    case issue(ReaderIssue)
}

/// Streams a recording (format v1) line by line in constant memory.
///
/// - Input: any `ByteSource` (file, pipe, memory), read in chunks; results do not depend on
///   how the input is chunked.
/// - Memory: one buffer of `chunkSize`, grown only to hold the longest line (at most
///   `maxLineBytes`; a longer line is skipped without buffering and reported).
/// - Tolerates, reporting each with its 1-based line number and never aborting: a UTF-8 BOM,
///   CRLF, blank lines, invalid UTF-8, invalid JSON, a truncated last line (what a killed
///   recorder leaves), nesting deeper than 512, a missing header, and a header of a newer version.
/// - Cost: one `memchr` per line plus one validating scan (see `LineScanner`); nothing is decoded
///   unless the caller asks.
public final class RecordingReader {
    public struct Options: Sendable {
        public var chunkSize: Int
        public var maxLineBytes: Int
        public var maxDepth: Int
        /// Report blank lines as notes (they are always skipped).
        public var reportBlankLines: Bool
        /// Where the input starts in the file, when reading a tail of it (line numbers and offsets
        /// are reported from there; the first line is then not checked for a BOM or header).
        public var startLine = 0
        public var startOffset: Int64 = 0
        /// Build each frame's event tape during the scan (`LineScanner.buildsTape`), for a caller that calls
        /// `RecordLine.eventValue` on most lines: one pass over each line instead of two.
        public var buildsEventTapes = false

        public init(
            chunkSize: Int = 1 << 20, maxLineBytes: Int = 512 << 20, maxDepth: Int = 512, reportBlankLines: Bool = true
        ) {
            self.chunkSize = chunkSize
            self.maxLineBytes = maxLineBytes
            self.maxDepth = maxDepth
            self.reportBlankLines = reportBlankLines
        }
    }

    private var source: any ByteSource
    private let options: Options
    private var scanner: LineScanner
    /// The header, once seen.
    public private(set) var header: RecordingHeader?
    /// The header line's bytes, once seen (to re-emit it verbatim).
    public private(set) var headerLine: [UInt8]?
    /// Counts of what was read so far.
    public private(set) var framesRead = 0
    public private(set) var linesRead = 0
    public private(set) var bytesRead: Int64 = 0
    private var sawContent = false
    private var reportedCRLF = false
    /// Set once the first frame has been checked for a preceding header (warned about or not).
    private var checkedForHeader = false

    public init(source: any ByteSource, options: Options = Options()) {
        self.source = source
        self.options = options
        self.scanner = LineScanner(mode: .record, maxDepth: options.maxDepth)
        scanner.buildsTape = options.buildsEventTapes
    }

    /// Whether the scan builds each frame's event tape (`Options.buildsEventTapes`); set it before reading.
    public var buildsEventTapes: Bool {
        get { scanner.buildsTape }
        set { scanner.buildsTape = newValue }
    }

    /// The input's name (path or `-`).
    public var name: String { source.name }

    /// Reads the whole input, calling `body` for every line and issue in order.
    ///
    /// Return `false` from `body` to stop early. - Throws: only when the source itself fails
    /// (`RecordingError.cannotRead`) or `body` throws.
    public func read(_ body: (ReaderEvent) throws -> Bool) throws {
        var capacity = max(options.chunkSize, 64)
        var buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        var start = 0  // first unprocessed byte
        var end = 0  // end of filled bytes
        var scanFrom = 0  // where to resume the newline search
        var baseOffset: Int64 = options.startOffset  // input offset of buffer[0]
        var lineNumber = options.startLine
        var skipping: (line: Int, offset: Int64, length: Int)?  // an over-long line being discarded

        while true {
            if end == capacity {
                if start > 0 {
                    buffer.copyMemory(from: buffer + start, byteCount: end - start)
                    end -= start
                    scanFrom -= start
                    baseOffset += Int64(start)
                    start = 0
                } else if capacity < options.maxLineBytes {
                    let grown = min(capacity * 2, options.maxLineBytes)
                    let bigger = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 16)
                    bigger.copyMemory(from: buffer, byteCount: end)
                    buffer.deallocate()
                    buffer = bigger
                    capacity = grown
                } else {
                    // The line exceeds the limit: drop what we hold and skip to its newline.
                    lineNumber += skipping == nil ? 1 : 0
                    let held = end - start
                    skipping = (
                        skipping?.line ?? lineNumber, skipping?.offset ?? baseOffset, (skipping?.length ?? 0) + held
                    )
                    baseOffset += Int64(end)
                    start = 0
                    end = 0
                    scanFrom = 0
                }
            }
            let n = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + end, count: capacity - end))
            bytesRead += Int64(n)
            if n == 0 { break }
            end += n
            while scanFrom < end, let hit = memchr(buffer + scanFrom, 0x0A, end - scanFrom) {
                let newline = buffer.distance(to: hit)
                if let skip = skipping {
                    let total = skip.length + newline - start
                    skipping = nil
                    guard try body(.issue(tooLong(skip.line, skip.offset, total))) else { return }
                } else {
                    lineNumber += 1
                    let bytes = UnsafeRawBufferPointer(start: buffer + start, count: newline - start)
                    guard try process(bytes, lineNumber, baseOffset + Int64(start), terminated: true, body) else {
                        return
                    }
                }
                start = newline + 1
                scanFrom = start
            }
            scanFrom = end
            if start == end {
                baseOffset += Int64(end)
                start = 0
                end = 0
                scanFrom = 0
            }
        }
        if let skip = skipping {
            _ = try body(.issue(tooLong(skip.line, skip.offset, skip.length + end - start)))
        } else if start < end {
            lineNumber += 1
            let bytes = UnsafeRawBufferPointer(start: buffer + start, count: end - start)
            _ = try process(bytes, lineNumber, baseOffset + Int64(start), terminated: false, body)
        }
    }

    /// The issue for a first line that looks like a header but cannot be read as one; the frames are then read as
    /// version 1 without a second, missing-header warning.
    private func damagedHeader(_ number: Int, _ offset: Int64, _ why: String) -> ReaderIssue {
        checkedForHeader = true
        return issue(
            .badHeader, .error, number, offset,
            "the header line is damaged (\(why)); its metadata is lost and the frames are read as format version 1")
    }

    private func tooLong(_ line: Int, _ offset: Int64, _ length: Int) -> ReaderIssue {
        ReaderIssue(
            code: .lineTooLong, severity: .error, line: line, offset: offset,
            message: "the line is \(length) bytes long, over the \(options.maxLineBytes)-byte limit, and was skipped")
    }

    private func process(
        _ raw: UnsafeRawBufferPointer, _ number: Int, _ offset: Int64, terminated: Bool,
        _ body: (ReaderEvent) throws -> Bool
    ) throws -> Bool {
        linesRead += 1
        var bytes = raw
        var offset = offset
        if number == 1, options.startLine == 0, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            bytes = UnsafeRawBufferPointer(rebasing: bytes[3...])
            offset += 3
            guard try body(.issue(issue(.bom, .note, number, offset, "a UTF-8 byte order mark was skipped"))) else {
                return false
            }
        }
        if let last = bytes.last, last == 0x0D {
            bytes = UnsafeRawBufferPointer(rebasing: bytes[..<(bytes.count - 1)])
            if !reportedCRLF {
                reportedCRLF = true
                let note = issue(.crlf, .note, number, offset, "lines end in CRLF; the CRs are ignored")
                guard try body(.issue(note)) else { return false }
            }
        }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            guard options.reportBlankLines else { return true }
            return try body(.issue(issue(.blankLine, .note, number, offset, "blank line skipped")))
        }
        if let error = scanner.scan(bytes) {
            if number == 1, options.startLine == 0, terminated, RecordingHeader.looksLikeHeader(bytes) {
                return try body(.issue(damagedHeader(number, offset, "invalid JSON: \(error.description)")))
            }
            let problem =
                terminated
                ? issue(.invalidJSON, .error, number, offset, "invalid JSON: \(error.description)")
                : issue(
                    .truncatedLine, .warning, number, offset,
                    "the last line is incomplete (no newline and \(error.description)); a killed recorder leaves this")
            return try body(.issue(problem))
        }
        let fields = scanner.fields
        let line = RecordLine(kind: .frame, number: number, offset: offset, bytes: bytes, fields: fields)
        if let format = fields.span(.format), fields.kind(.format) == .string,
            line.slice(format).elementsEqual(RecordingHeader.formatName.utf8)
        {
            return try header(line, body)
        }
        guard line.direction != nil, line.opcode != nil else {
            if number == 1, options.startLine == 0, !fields.has(.dir), RecordingHeader.looksLikeHeader(bytes) {
                return try body(.issue(damagedHeader(number, offset, "its format is not \"rtscope-recording\"")))
            }
            let what =
                line.direction == nil ? "\"dir\" (c2s or s2c)" : fields.span(.op) == nil ? "\"op\"" : "a known \"op\""
            let hint =
                sawContent || fields.has(.dir) || options.startLine > 0
                ? "" : "; is this a log to convert with `rtscope import`?"
            return try body(
                .issue(
                    issue(
                        .notAFrame, .error, number, offset,
                        "valid JSON but not a recording frame: it has no \(what)\(hint)")))
        }
        if !checkedForHeader {  // the first frame only: reading `header` copies the whole struct
            checkedForHeader = true
            if options.startLine == 0, header == nil {
                let missing = issue(
                    .missingHeader, .warning, number, offset,
                    "the recording has no header line; reading it as format version 1")
                guard try body(.issue(missing)) else { return false }
            }
        }
        sawContent = true
        framesRead += 1
        return try body(.line(line))
    }

    private func header(_ line: RecordLine, _ body: (ReaderEvent) throws -> Bool) throws -> Bool {
        let decoded: RecordingHeader
        do {
            decoded = try JSONDecoder().decode(RecordingHeader.self, from: Data(line.bytes))
        } catch {
            if !sawContent { checkedForHeader = true }  // reported here, not again as missing
            return try body(
                .issue(
                    issue(
                        .badHeader, .error, line.number, line.offset,
                        "the header line lacks required fields (format, version, created, tool, source)")))
        }
        if sawContent || header != nil {
            let extra = issue(
                .extraHeader, .note, line.number, line.offset,
                "another header line (concatenated recordings?); it applies from here on")
            guard try body(.issue(extra)) else { return false }
        }
        if decoded.version > RecordingFormat.readableVersions.upperBound {
            let newer = issue(
                .newerVersion, .warning, line.number, line.offset,
                "written in format version \(decoded.version), newer than this rtscope reads (\(RecordingFormat.readableVersions.upperBound)); reading it as version \(RecordingFormat.readableVersions.upperBound), unknown fields are ignored"
            )
            guard try body(.issue(newer)) else { return false }
        }
        header = decoded
        headerLine = Array(line.bytes)
        sawContent = true
        return try body(
            .line(
                RecordLine(
                    kind: .header, number: line.number, offset: line.offset, bytes: line.bytes, fields: line.fields)))
    }

    private func issue(
        _ code: ReaderIssue.Code, _ severity: ReaderIssue.Severity, _ line: Int, _ offset: Int64, _ message: String
    ) -> ReaderIssue {
        ReaderIssue(code: code, severity: severity, line: line, offset: offset, message: message)
    }
}
