import Foundation
import RealtimeRecording

/// The file a timeline reads, held open for the timeline's whole life: the only part of the timeline that touches
/// the disk (see `EventStore`).
///
/// Every read (indexing, summaries, the detail pane) goes through this one descriptor, so deleting or replacing the
/// path while `view` runs changes nothing: the timeline keeps reading the file it opened. A file truncated or rewritten
/// in place is detected by its size shrinking and ends with `RecordingError.cannotRead` naming `name`.
///
/// Standard input (`-`), pipes, FIFOs and other streams cannot be read back by offset, so they are first copied to a
/// private temporary file (see `TemporaryCopy`); an imported log is converted into one. Such a copy is unlinked as soon
/// as it is open, so it never outlives the process, not even a crash or Ctrl-C.
public final class FileEventStore: EventStore {
    let fd: Int32
    /// The file the user named (for messages and the title).
    public let name: String
    public private(set) var eventReads = 0

    private init(fd: Int32, name: String) {
        self.fd = fd
        self.name = name
    }

    deinit { close(fd) }

    /// Opens `path` (`-`: standard input); a stream is copied to a temporary file first.
    /// - Throws: `RecordingError.cannotOpen`/`.cannotRead` naming `path`; `.cannotWrite` when the copy fails.
    static func open(_ path: String) throws -> FileEventStore {
        let fd = path == "-" ? dup(0) : Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw RecordingError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw RecordingError.cannotOpen(path: path, reason: reason)
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            return FileEventStore(fd: fd, name: path)
        case S_IFDIR:
            close(fd)
            throw RecordingError.cannotOpen(path: path, reason: "it is a directory")
        default:
            defer { close(fd) }
            return FileEventStore(fd: try TemporaryCopy.copy(from: fd, name: path), name: path)
        }
    }

    /// A source for an imported log's recordings, streamed into one temporary file named after `name`.
    /// - Throws: `RecordingError.cannotWrite` when the copy cannot be written.
    static func holding(_ recordings: [ImportedRecording], name: String) throws -> FileEventStore {
        let (fd, _) = try TemporaryCopy.create()
        do {
            for recording in recordings { try recording.write(toDescriptor: fd, name: name) }
        } catch {
            close(fd)
            throw error
        }
        return FileEventStore(fd: fd, name: name)
    }

    /// The file from its start as a `ByteSource` (reads by offset, so the descriptor's position is untouched).
    func byteSource() -> some ByteSource { Reader(file: self) }

    private struct Reader: ByteSource {
        let file: FileEventStore
        var offset: Int64 = 0
        var name: String { file.name }

        mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            let n = try file.read(into: buffer, at: offset)
            offset += Int64(n)
            return n
        }
    }

    /// The file's current size.
    public func size() throws -> Int64 {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure() }
        return Int64(info.st_size)
    }

    /// Reads up to `count` bytes at `offset` into `buffer` (at `into`); returns how many (0 at the end).
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let n = pread(fd, base, buffer.count, off_t(offset))
            if n >= 0 { return n }
            if errno != EINTR { throw failure() }
        }
    }

    /// Exactly `count` bytes at `offset`, or `nil` when the file is shorter or unreadable there.
    public func bytes(at offset: Int64, count: Int) -> [UInt8]? {
        eventReads += 1
        return readExactly(at: offset, count: count)
    }

    private func failure() -> RecordingError {
        .cannotRead(path: name, reason: String(cString: strerror(errno)))
    }
}
