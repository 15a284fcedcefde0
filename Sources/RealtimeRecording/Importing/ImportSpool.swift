#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Frame lines an importer has written so far, kept in a file instead of memory.
///
/// Usually an unlinked temporary file: created exclusively under an unpredictable name in `$TMPDIR` (or `/tmp`)
/// and unlinked at once, so nothing is left behind and nothing else can open it; it closes with the last reference.
/// With an `ImportOutput`, the lines go straight into the output's own unnamed file instead, after a provisional
/// header line (see `ImportOutput`), so a one-recording import writes its frames once. Lines are held in memory up
/// to 1 MiB and written in one call. Not thread-safe while it is written; read-only afterwards.
final class ImportSpool: @unchecked Sendable {
    private let fd: Int32
    private let ownsDescriptor: Bool
    private var encoder = FrameEncoder()
    /// Frame lines not yet written.
    private var pending: [UInt8] = []
    private(set) var frames = 0
    private(set) var inferred = 0
    private(set) var redacted = false
    /// Bytes of frame lines written.
    private(set) var size: Int64 = 0
    /// The output written directly, if any.
    let output: ImportOutput?
    /// For a direct output: the header line (with its newline) written before the frames, asked for at the first
    /// write; `nil` until then.
    private(set) var provisionalHeader: [UInt8]?
    private let makeHeader: (() throws -> [UInt8])?
    /// For a direct output: the thread that writes the lines while the next ones are made.
    private let writer: WriteBehind?
    /// Bytes in the file before the first frame line.
    var frameOffset: Int64 { Int64(provisionalHeader?.count ?? 0) }

    private static let flushSize = 1 << 20
    /// A buffer's capacity: the flush size and a line's worth more.
    private static let bufferCapacity = flushSize + (64 << 10)

    /// A spool in an unlinked temporary file.
    /// - Throws: `RecordingError.cannotWrite` when no temporary file can be made.
    init() throws {
        let dir = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(dir)/rtscope-import-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { $0.baseAddress.map { mkstemp($0) } ?? -1 }
        guard fd >= 0 else { throw writeFailure("\(dir)/rtscope-import-XXXXXX") }
        template.withUnsafeBufferPointer { _ = $0.baseAddress.map { unlink($0) } }
        self.fd = fd
        ownsDescriptor = true
        output = nil
        makeHeader = nil
        writer = nil
        pending.reserveCapacity(Self.bufferCapacity)
    }

    /// A spool that writes into `output`'s file; `header` gives the header line (without newline) to write before
    /// the first frame line, from what is known then.
    init(output: ImportOutput, header: @escaping () throws -> [UInt8]) {
        fd = output.fd
        ownsDescriptor = false
        self.output = output
        makeHeader = header
        // Two full buffers waiting and one being written at most, as `submit` hands them back.
        writer = WriteBehind(limit: 3 * Self.flushSize)
        pending.reserveCapacity(Self.bufferCapacity)
    }

    deinit {
        writer?.stop()
        if ownsDescriptor { close(fd) }
    }

    /// Appends `frame` (its `seq` is set here, counting from 1).
    func append(_ frame: Frame) throws {
        let start = pending.count
        let frame = count(frame)
        if frame.payload.withUnsafeBytes({ encoder.appendHead(for: frame, payload: $0, to: &pending) }) {
            pending.append(contentsOf: frame.payload)
        }
        try endLine(from: start)
    }

    /// Appends a text frame embedding `payload` as its event, which the caller has checked (see
    /// `FrameEncoder.appendEmbeddedHead`); the frame's head after `seq` is `headAfterSeq`
    /// (`FrameEncoder.embeddedHeadAfterSeq`), `inferred` and `redacted` say what that head says.
    func append(checkedEvent payload: UnsafeRawBufferPointer, headAfterSeq: [UInt8], inferred: Bool, redacted: Bool)
        throws
    {
        let start = pending.count
        frames += 1
        if inferred { self.inferred += 1 }
        if redacted { self.redacted = true }
        pending.append(contentsOf: Self.seqKey)
        FrameEncoder.appendDecimal(Int64(frames), to: &pending)
        pending.append(contentsOf: headAfterSeq)
        pending.append(contentsOf: payload.assumingMemoryBound(to: UInt8.self))  // typed: one memcpy
        try endLine(from: start)
    }

    private static let seqKey: [UInt8] = Array(#"{"seq":"#.utf8)

    private func count(_ frame: Frame) -> Frame {
        var frame = frame
        frames += 1
        frame.seq = frames
        if frame.directionInferred { inferred += 1 }
        if frame.redacted { redacted = true }
        return frame
    }

    private func endLine(from start: Int) throws {
        pending.append(contentsOf: Self.closing)
        size += Int64(pending.count - start)
        if pending.count >= Self.flushSize { try flush() }
    }

    private static let closing: [UInt8] = [UInt8(ascii: "}"), 0x0A]

    /// Writes what is held; call once the last frame is in.
    func finish() throws {
        try flush()
        try writer?.finish()
    }

    private func flush() throws {
        if provisionalHeader == nil, let makeHeader {
            var line = try makeHeader()
            line.append(0x0A)
            provisionalHeader = line
            try line.withUnsafeBytes { try writeAll(fd, $0, name: output?.path ?? "temporary import file") }
        }
        guard !pending.isEmpty else { return }
        if let writer {
            return try writer.submit(&pending, fd: fd, name: output?.path ?? "", minimumCapacity: Self.bufferCapacity)
        }
        defer { pending.removeAll(keepingCapacity: true) }
        try pending.withUnsafeBytes { try writeAll(fd, $0, name: output?.path ?? "temporary import file") }
    }

    /// Reads the lines from the start (a new reader each time).
    func source(name: String) -> SpoolSource { SpoolSource(spool: self, name: name) }

    fileprivate func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        while true {
            let n = pread(fd, buffer.baseAddress, buffer.count, off_t(frameOffset + offset))
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw RecordingError.cannotRead(path: "temporary import file", reason: String(cString: strerror(errno)))
        }
    }

    /// Copies the frame lines to `out` (in the kernel where it can), naming `name` in errors.
    func copyFrames(to out: Int32, name: String) throws {
        try copyFileRange(from: fd, at: frameOffset, count: size, to: out, name: name)
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

    /// Writes the recording to an open descriptor, streaming (memory stays at one chunk; the frame lines are
    /// copied by the kernel where it can).
    /// - Throws: `RecordingError.cannotWrite` naming `name`.
    public func write(toDescriptor fd: Int32, name: String) throws {
        var line = try header.encodedLine()
        line.append(0x0A)
        try line.withUnsafeBytes { try writeAll(fd, $0, name: name) }
        try spool.copyFrames(to: fd, name: name)
    }

    /// Writes the recording to `path` the way `OutputFile` does (see `OutputFile.Mode`), streaming.
    ///
    /// When the import wrote straight to `path`'s `ImportOutput`, this only puts that file in place (see
    /// `ImportOutput.commit`).
    public func write(to path: String, mode: OutputFile.Mode = .replace) throws {
        if let output = spool.output, output.path == path, mode == .replace {
            var line = try header.encodedLine()
            line.append(0x0A)
            try output.commit(header: line, provisional: spool.provisionalHeader ?? [], frames: spool)
            return
        }
        try OutputFile.write(to: path, mode: mode) { fd in try write(toDescriptor: fd, name: path) }
    }
}
