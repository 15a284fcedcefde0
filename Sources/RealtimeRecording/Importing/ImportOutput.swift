#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The file an import writes its one recording into as it reads, so the frames are written once instead of going
/// to a temporary spool first and being copied from there.
///
/// How: an unnamed file (`O_TMPFILE`) in the output's directory takes a provisional header line (from the facts
/// known at the first write) and then the frame lines. `commit` gives it the output's name only when the import
/// succeeded: nothing is at the path until then, so a failed import leaves the path as it was (an existing file
/// untouched, no partial output) and a killed one leaves nothing behind.
///
/// Limits and invariants:
/// - Used only for a path that is absent or a plain file with one link (`init` returns `nil` otherwise: a device
///   such as `/dev/null`, a FIFO, a symbolic link or a hard-linked file is written in place by `OutputFile` from the
///   spool, as before), and only on Linux (`O_TMPFILE`).
/// - An existing file is replaced by a rename that keeps its mode, owner and group; other metadata (extended
///   attributes, ACLs, the inode number) is not kept. When the owner cannot be kept, or the file cannot be linked or
///   renamed, `commit` writes the path in place instead.
/// - When the final header differs from the provisional one (a later event was redacted, carried the first
///   timestamp, or named the dialect), `commit` writes the header and copies the frame lines to the path in place.
public final class ImportOutput: @unchecked Sendable {
    /// The output path as given.
    public let path: String
    let fd: Int32
    private let directory: String
    private let replaced: stat?

    /// The direct output for `path`, or `nil` when it cannot or should not be used (see the type's limits).
    public init?(path: String) {
        #if os(Linux)
            guard path != "-", !path.isEmpty, !path.hasSuffix("/") else { return nil }
            var info = stat()
            if lstat(path, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFREG, info.st_nlink == 1 else { return nil }
                replaced = info
            } else {
                guard errno == ENOENT else { return nil }
                replaced = nil
            }
            let slash = path.lastIndex(of: "/")
            directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
            // Read and write: `commit`'s fallback reads the frames back.
            let fd = open(directory, O_RDWR | O_CLOEXEC | O_DIRECTORY | Self.tmpFile, 0o644)
            guard fd >= 0 else { return nil }
            self.fd = fd
            self.path = path
        #else
            return nil
        #endif
    }

    deinit { close(fd) }

    /// `__O_TMPFILE` (with `O_DIRECTORY` it is `O_TMPFILE`); the same value on x86-64 and arm64.
    private static let tmpFile: Int32 = 0o2000_0000

    /// Puts the recording at `path`: `header` (the final header line with its newline), then the frame lines.
    ///
    /// Renames the written file over the path when `header` is the provisional line it starts with; otherwise, or when
    /// that fails, writes the path in place as `OutputFile` does.
    /// - Throws: `RecordingError.cannotWrite` naming the path.
    func commit(header: [UInt8], provisional: [UInt8], frames: ImportSpool) throws {
        if header == provisional, link() { return }
        try OutputFile.write(to: path, mode: .replace) { out in
            try header.withUnsafeBytes { try writeAll(out, $0, name: path) }
            try frames.copyFrames(to: out, name: path)
        }
    }

    /// Gives the file the replaced file's mode and owner, links it under a fresh name and renames it over `path`;
    /// `false` (nothing changed at `path`) when any step fails.
    private func link() -> Bool {
        if let old = replaced {
            guard fchmod(fd, old.st_mode & 0o7777) == 0 else { return false }
            var now = stat()
            guard fstat(fd, &now) == 0 else { return false }
            if now.st_uid != old.st_uid || now.st_gid != old.st_gid {
                guard fchown(fd, old.st_uid, old.st_gid) == 0 else { return false }
            }
        }
        for _ in 0..<8 {
            let name = "\(directory)/.rtscope-import-\(UInt64.random(in: 0...UInt64.max) >> 16)"
            guard linkat(AT_FDCWD, "/proc/self/fd/\(fd)", AT_FDCWD, name, AT_SYMLINK_FOLLOW) == 0 else {
                if errno == EEXIST { continue }
                return false
            }
            if rename(name, path) == 0 { return true }
            unlink(name)
            return false
        }
        return false
    }
}

/// Copies `count` bytes of `source` from `offset` to the current position of `out`: `sendfile(2)` (a copy in the
/// kernel), or `pread`/`write` through a 1 MiB buffer where the system does not support that pair of files.
/// - Throws: `RecordingError.cannotRead` when `source` cannot be read, `cannotWrite` naming `name`.
func copyFileRange(from source: Int32, at offset: Int64, count: Int64, to out: Int32, name: String) throws {
    var position = off_t(offset)
    let end = off_t(offset + count)
    #if os(Linux)
        while position < end {
            let n = sendfile(out, source, &position, Int(min(end - position, 1 << 30)))
            if n > 0 { continue }
            if n == 0 { break }  // the source ended early
            if errno == EINTR || errno == EAGAIN { continue }
            if errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP { break }  // fall back below
            throw writeFailure(name)
        }
    #endif
    guard position < end else { return }
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while position < end {
        let n = chunk.withUnsafeMutableBytes {
            pread(source, $0.baseAddress, min($0.count, Int(end - position)), position)
        }
        if n < 0, errno == EINTR { continue }
        if n < 0 {
            throw RecordingError.cannotRead(path: "temporary import file", reason: String(cString: strerror(errno)))
        }
        if n == 0 { return }
        try chunk.withUnsafeBytes { try writeAll(out, UnsafeRawBufferPointer(rebasing: $0[..<n]), name: name) }
        position += off_t(n)
    }
}
