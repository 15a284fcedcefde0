import Foundation

/// Appends recording lines to a file, one `write(2)` per line (or per burst, with `holdsLines`).
///
/// Invariants: only whole lines are written (each line and its newline go out in one call,
/// retried on partial writes), and unless `holdsLines` is on nothing is buffered in user space,
/// so a `kill -9` leaves every earlier line intact and at most a partial last line. Not thread-safe: give each
/// connection its own writer, or serialise calls.
public final class RecordingWriter {
    private let fd: Int32
    private let ownsDescriptor: Bool
    private var encoder = FrameEncoder()
    /// Lines appended but not yet written (see `holdsLines`).
    private var pending: [UInt8] = []
    /// Whether `append` keeps lines in memory until `flush()` (or until 64 KiB are held).
    ///
    /// Then a burst of frames costs one system call. The proxy turns this on and flushes before it forwards; off
    /// by default, when every `append` writes its line at once.
    public var holdsLines = false
    /// Lines written so far, header included.
    public private(set) var linesWritten = 0
    /// Bytes written so far.
    public private(set) var bytesWritten: Int64 = 0
    /// The path written to (`nil` for an inherited descriptor such as stdout).
    public let path: String?

    /// Creates `path`, which must not exist yet (a recording is never written over another
    /// file), and writes `header` as its first line.
    /// - Throws: `RecordingError` when the file exists or cannot be created or written.
    public init(path: String, header: RecordingHeader) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw writeFailure(path) }
        self.fd = fd
        self.ownsDescriptor = true
        self.path = path
        try writeLine(header.encodedLine())
    }

    /// Writes to an already open descriptor (for example 1, standard output) without closing it.
    public init(fileDescriptor: Int32) {
        self.fd = fileDescriptor
        self.ownsDescriptor = false
        self.path = nil
    }

    deinit {
        try? flush()
        if ownsDescriptor { close(fd) }
    }

    /// Whether the last appended frame's payload was embedded as a JSON value (hence valid JSON).
    public var lastFrameWasJSON: Bool { encoder.lastEmbedded }

    /// Appends one frame as one line.
    public func append(_ frame: Frame) throws {
        try frame.payload.withUnsafeBytes { try append(frame, payload: $0) }
    }

    /// Appends one frame as one line, its payload read from `payload` (not `frame.payload`).
    ///
    /// An embedded JSON event larger than `directThreshold` is written from `payload` itself (one
    /// `writev(2)` of the line's head, the event and the closing `}\n`), so a large audio event is
    /// not copied into a line first. With `holdsLines`, smaller lines wait in memory for `flush()`.
    public func append(_ frame: Frame, payload: UnsafeRawBufferPointer) throws {
        let start = pending.count
        let embedsPayload = encoder.appendHead(for: frame, payload: payload, to: &pending)
        if embedsPayload && payload.count > Self.directThreshold {
            let head = Array(pending[start...])
            pending.removeSubrange(start...)
            try flush()  // earlier lines first
            try head.withUnsafeBytes { head in
                try Self.closing.withUnsafeBytes { tail in try writeAll([head, payload, tail]) }
            }
            bytesWritten += Int64(head.count + payload.count + 2)
        } else {
            if embedsPayload { pending.append(contentsOf: payload) }
            pending.append(contentsOf: Self.closing)
            bytesWritten += Int64(pending.count - start)
            if !holdsLines || pending.count >= Self.directThreshold { try flush() }
        }
        linesWritten += 1
    }

    /// Writes the lines held by `holdsLines` (one `write(2)`); nothing when none are held.
    /// - Throws: `RecordingError` when the file cannot be written (the lines are then dropped).
    public func flush() throws {
        guard !pending.isEmpty else { return }
        defer { pending.removeAll(keepingCapacity: pending.capacity <= 1 << 20) }
        try pending.withUnsafeBytes { try writeAll($0) }
    }

    /// Embedded events above this size are written from the caller's buffer, and held lines are
    /// written once they reach it.
    static let directThreshold = 64 << 10

    private static let closing: [UInt8] = [UInt8(ascii: "}"), 0x0A]

    /// Writes `parts` in order with one `writev(2)`, finishing a partial write part by part.
    private func writeAll(_ parts: [UnsafeRawBufferPointer]) throws {
        var vectors = parts.map {
            iovec(iov_base: UnsafeMutableRawPointer(mutating: $0.baseAddress), iov_len: $0.count)
        }
        var written: Int
        repeat {
            written = writev(fd, &vectors, Int32(vectors.count))
        } while written < 0 && errno == EINTR
        if written < 0 { throw writeFailure(path ?? "fd \(fd)") }
        for part in parts {
            if written >= part.count {
                written -= part.count
                continue
            }
            try writeAll(UnsafeRawBufferPointer(rebasing: part[written...]))
            written = 0
        }
    }

    /// Appends `bytes` followed by a newline, in one system call.
    public func writeLine(_ bytes: [UInt8]) throws {
        try flush()
        var line = bytes
        line.append(0x0A)
        try line.withUnsafeBytes { try writeAll($0) }
        linesWritten += 1
        bytesWritten += Int64(line.count)
    }

    /// Appends raw bytes that already end in a newline (used to pass lines through verbatim).
    public func writeRaw(_ bytes: UnsafeRawBufferPointer) throws {
        try flush()
        try writeAll(bytes)
        bytesWritten += Int64(bytes.count)
    }

    private func writeAll(_ buffer: UnsafeRawBufferPointer) throws {
        try RealtimeRecording.writeAll(fd, buffer, name: path ?? "fd \(fd)")
    }
}
