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
        let extra =
            switch mode {
            case .replace: O_TRUNC
            case .append: O_APPEND
            case .createNew: O_EXCL
            }
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | extra, 0o644)
        guard fd >= 0 else { throw failure(path) }
        var written = 0
        let result: Int = bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return 0 }
            while written < raw.count {
                let n = systemWrite(fd, base + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return -1
                }
                written += n
            }
            return 0
        }
        if result < 0 {
            let error = failure(path)
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw failure(path) }
    }

    private static func failure(_ path: String) -> RecordingError {
        RecordingError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
    }

    private static func systemWrite(_ fd: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
            Glibc.write(fd, pointer, count)
        #else
            Darwin.write(fd, pointer, count)
        #endif
    }
}
