public import ArgumentParser
import Foundation
import RealtimeProtocol
import RealtimeRecording

/// Buffered output to a file descriptor (standard output by default), flushed in 64 KiB writes.
///
/// Library code writes here rather than calling `print`, so tests can capture output and large
/// listings do not pay a system call per line. A closed pipe (`rtscope cat … | head`) ends output
/// quietly; any other failed write (a full disk, `> /dev/full`, an I/O error) is kept, and
/// `finish()` reports it in one sentence and exits 73, so no command claims success for output
/// that was lost.
public final class Output {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private let limit = 64 * 1024
    /// Set once a write fails (for example EPIPE); later writes are dropped.
    public private(set) var closed = false
    /// The errno of a failed write other than EPIPE (a closed pipe is not an error).
    public private(set) var writeError: Int32?
    /// Everything written, when capturing (tests).
    private var captured: [UInt8]?

    public init(fileDescriptor: Int32 = 1) {
        fd = fileDescriptor
        buffer.reserveCapacity(limit)
    }

    /// An output that keeps everything in memory (for tests).
    public static func capturing() -> Output {
        let out = Output(fileDescriptor: -1)
        out.captured = []
        return out
    }

    /// The captured text (capturing outputs only).
    public var text: String { String(decoding: captured ?? [], as: UTF8.self) }

    public func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= limit { flush() }
    }

    public func line(_ text: String) {
        write(text)
        buffer.append(0x0A)
    }

    /// Writes `bytes`; a piece of the buffer's size or more goes out directly, not through a copy in the buffer.
    public func write(bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= limit else {
            buffer.append(contentsOf: bytes)
            if buffer.count >= limit { flush() }
            return
        }
        flush()
        send(bytes)
    }

    public func write(bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= limit { flush() }
    }

    public func flush() {
        defer { buffer.removeAll(keepingCapacity: true) }
        buffer.withUnsafeBytes { send($0) }
    }

    /// Writes `raw` to the descriptor (or the capture), all of it unless a write fails.
    private func send(_ raw: UnsafeRawBufferPointer) {
        if captured != nil {
            captured?.append(contentsOf: raw)
            return
        }
        guard !closed else { return }
        var p = raw.baseAddress
        var left = raw.count
        while left > 0, let base = p {
            let n = Glibc.write(fd, base, left)
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                closed = true
                if code != EPIPE { writeError = code }
                return
            }
            p = base + n
            left -= n
        }
    }

    /// Flushes, then reports a failed write: one sentence on standard error and exit code 73.
    /// - Throws: `ExitCodes.cannotWrite` when a write failed for any reason but a closed pipe.
    public func finish() throws {
        flush()
        if let code = writeError {
            let name = fd == 1 ? "standard output" : "file descriptor \(fd)"
            Diagnostics.print("rtscope: \(name): cannot write: \(String(cString: strerror(code))).")
            throw ExitCodes.cannotWrite
        }
    }

    deinit { flush() }
}

/// Messages for standard error: one line each, flushed at once.
///
/// Messages often quote a path or a recording's text, so each passes `SafeText.escape` here: a
/// diagnostic is always exactly one line with no control character or bidi override in it.
public enum Diagnostics {
    public static func print(_ message: String) {
        FileHandle.standardError.write(Data((SafeText.escape(message) + "\n").utf8))
    }
}

/// Facts about the terminal, for colour and width decisions.
public enum Terminal {
    /// Whether colour may be used on `fd`: a TTY, `NO_COLOR` unset, `TERM` not `dumb`.
    public static func colorAllowed(fd: Int32 = 1) -> Bool {
        let env = ProcessInfo.processInfo.environment
        return isatty(fd) == 1 && env["NO_COLOR"] == nil && env["TERM"] != "dumb"
    }
}
