#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a whole output (a report, an imported recording) to a path the way a shell's `>` or
/// `>>` does.
///
/// The path is opened, truncated (or appended to) and written in place, so it stays what it was: a
/// device such as `/dev/null` or `/dev/stdout`, a FIFO, a symbolic link (its target is written),
/// a file with its owner and mode. Foundation's `createFile(atPath:contents:)` instead writes a
/// temporary file and renames it over the path, which turns `/dev/null` or a link into a plain
/// file. Limit: not atomic, so a reader that looks while it runs can see part of the output.
public enum OutputFile {
    public enum Mode: Sendable {
        /// Replace what the file held (`>`).
        case replace
        /// Add after what the file holds (`>>`).
        case append
        /// Create a new file; fail if anything, even a dangling link, is at the path. For
        /// temporary files in a shared folder, where following a planted link would be unsafe.
        case createNew
    }

    /// Writes `bytes` to `path` as `mode` says; creates the file (mode 0644 less the umask) when
    /// there is none.
    /// - Throws: `RecordingError.cannotWrite` naming the path and the system's reason.
    public static func write(_ bytes: [UInt8], to path: String, mode: Mode = .replace) throws {
        try write(to: path, mode: mode) { fd in try bytes.withUnsafeBytes { try writeAll(fd, $0, name: path) } }
    }

    /// Opens `path` as `mode` says, lets `body` write to the descriptor, and closes it (a failed
    /// close is a failed write: buffered data may not have reached the disk).
    /// - Throws: `RecordingError.cannotWrite` naming the path, or what `body` throws.
    public static func write(to path: String, mode: Mode, _ body: (Int32) throws -> Void) throws {
        let extra =
            switch mode {
            case .replace: O_TRUNC
            case .append: O_APPEND
            case .createNew: O_EXCL
            }
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | extra, 0o644)
        guard fd >= 0 else { throw writeFailure(path) }
        do {
            try body(fd)
        } catch {
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw writeFailure(path) }
    }
}

/// Writes all of `buffer` to `fd`, retrying partial and interrupted writes.
/// - Throws: `RecordingError.cannotWrite` naming `name` and the system's reason.
public func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, name: String) throws {
    if let failure = WriteBehind.writeAll(buffer, fd: fd, at: nil, name: name) { throw failure }
}

/// The error for a failed write to `name`, with `errno`'s reason.
func writeFailure(_ name: String) -> RecordingError {
    RecordingError.cannotWrite(path: name, reason: String(cString: strerror(errno)))
}
