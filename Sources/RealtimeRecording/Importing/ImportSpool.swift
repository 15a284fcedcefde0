#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Frame lines an importer has written so far, kept in an unlinked temporary file instead of memory.
///
/// The file is created exclusively under an unpredictable name in `$TMPDIR` (or `/tmp`) and unlinked at once, so
/// nothing is left behind and nothing else can open it; it closes with the last reference. Not thread-safe while
/// it is written; read-only afterwards.
final class ImportSpool: @unchecked Sendable {
    private let fd: Int32
    private let writer: RecordingWriter
    private(set) var frames = 0
    private(set) var inferred = 0
    private(set) var redacted = false
    /// Bytes of frame lines written.
    var size: Int64 { writer.bytesWritten }

    /// - Throws: `RecordingError.cannotWrite` when no temporary file can be made.
    init() throws {
        let dir = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(dir)/rtscope-import-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { $0.baseAddress.map { mkstemp($0) } ?? -1 }
        guard fd >= 0 else { throw writeFailure("\(dir)/rtscope-import-XXXXXX") }
        template.withUnsafeBufferPointer { _ = $0.baseAddress.map { unlink($0) } }
        self.fd = fd
        writer = RecordingWriter(fileDescriptor: fd)
        writer.holdsLines = true  // one write per 64 KiB
    }

    deinit { close(fd) }

    /// Appends `frame` (its `seq` is set here, counting from 1).
    func append(_ frame: Frame) throws {
        var frame = frame
        frames += 1
        frame.seq = frames
        if frame.directionInferred { inferred += 1 }
        if frame.redacted { redacted = true }
        try writer.append(frame)
    }

    /// Writes what is held; call once the last frame is in.
    func finish() throws { try writer.flush() }

    /// Reads the lines from the start (a new reader each time).
    func source(name: String) -> SpoolSource { SpoolSource(spool: self, name: name) }

    fileprivate func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        while true {
            let n = pread(fd, buffer.baseAddress, buffer.count, off_t(offset))
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw RecordingError.cannotRead(path: "temporary import file", reason: String(cString: strerror(errno)))
        }
    }
}

/// Reads an `ImportSpool` from its start.
struct SpoolSource: ByteSource {
    let spool: ImportSpool
    let name: String
    private var offset: Int64 = 0

    init(spool: ImportSpool, name: String) {
        self.spool = spool
        self.name = name
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try spool.read(into: buffer, at: offset)
        offset += Int64(n)
        return n
    }
}

/// Several sources read one after the other.
struct ChainSource: ByteSource {
    let name: String
    private var parts: [any ByteSource]
    private var current = 0

    init(_ parts: [any ByteSource], name: String) {
        self.parts = parts
        self.name = name
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while current < parts.count {
            let n = try parts[current].read(into: buffer)
            if n > 0 { return n }
            current += 1
        }
        return 0
    }
}

/// A recording produced by an importer: its header, and its frame lines in a temporary file.
public struct ImportedRecording: Sendable {
    public var header: RecordingHeader
    /// Items of the source that could not be imported, one sentence each (with item or line number).
    public var warnings: [String] = []
    let spool: ImportSpool

    /// How many frames it holds, and how many of them have an inferred direction.
    public var frameCount: Int { spool.frames }
    public var inferredCount: Int { spool.inferred }

    /// The recording as a source of format v1 bytes: the header line, then the frame lines.
    /// - Throws: `RecordingError` when the header cannot be encoded.
    public func source(name: String) throws -> any ByteSource {
        var line = try header.encodedLine()
        line.append(0x0A)
        return ChainSource([MemorySource(line, name: name), spool.source(name: name)], name: name)
    }

    /// The recording encoded as format v1 bytes, all in memory (for tests and small inputs).
    public func encoded() throws -> [UInt8] {
        var source = try source(name: "import")
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { return out }
            out += chunk[..<n]
        }
    }

    /// Writes the recording to an open descriptor, streaming (memory stays at one chunk).
    /// - Throws: `RecordingError.cannotWrite` naming `name`.
    public func write(toDescriptor fd: Int32, name: String) throws {
        var source = try source(name: name)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { return }
            try chunk.withUnsafeBytes { try writeAll(fd, UnsafeRawBufferPointer(rebasing: $0[..<n]), name: name) }
        }
    }

    /// Writes the recording to `path` the way `OutputFile` does (see `OutputFile.Mode`), streaming.
    public func write(to path: String, mode: OutputFile.Mode = .replace) throws {
        try OutputFile.write(to: path, mode: mode) { fd in try write(toDescriptor: fd, name: path) }
    }
}
