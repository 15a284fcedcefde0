import Foundation
import RealtimeRecording

/// Private temporary files for the timeline: created exclusively (`O_EXCL`, mode 0600, so a link planted in the shared
/// temporary folder is never followed) under an unpredictable name, and unlinked at once, so the returned descriptor is
/// the only way to the data and nothing is left behind.
enum TemporaryCopy {
    /// An open, already unlinked, empty temporary file, and the name it had (for messages).
    /// - Throws: `RecordingError.cannotWrite` naming the file.
    static func create() throws -> (fd: Int32, path: String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "rtscope-view-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).jsonl"
        ).path
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw RecordingError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
        unlink(path)
        return (fd, path)
    }

    /// A temporary file holding everything `source` yields until its end (standard input, a pipe, a FIFO).
    /// - Throws: `RecordingError.cannotRead` naming `name`, or `.cannotWrite` when the copy cannot be written.
    static func copy(from source: Int32, name: String) throws -> Int32 {
        let (fd, path) = try create()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        do {
            while true {
                let n = chunk.withUnsafeMutableBytes { Glibc.read(source, $0.baseAddress, $0.count) }
                if n < 0, errno == EINTR { continue }
                guard n >= 0 else {
                    throw RecordingError.cannotRead(path: name, reason: String(cString: strerror(errno)))
                }
                if n == 0 { return fd }
                try chunk.withUnsafeBytes { try writeAll(fd, UnsafeRawBufferPointer(rebasing: $0[..<n]), name: path) }
            }
        } catch {
            close(fd)
            throw error
        }
    }
}
