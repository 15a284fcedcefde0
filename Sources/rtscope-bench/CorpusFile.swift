import Foundation

/// Writes a generated corpus in 8 MiB blocks.
///
/// Lines gather in a buffer that goes to the file in 8 MiB blocks, so memory stays flat whatever
/// the size. `start` writes the first lines; `next` is called until
/// about `target` bytes are written. Returns (bytes, lines) written.
enum CorpusFile {
    static func write(
        to path: String, bytes target: Int64, start: (inout [UInt8], inout Int) -> Void,
        next: (inout [UInt8], inout Int) -> Void
    ) throws -> (Int64, Int) {
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else {
            throw BenchError.io("cannot create \(path)")
        }
        defer { try? handle.close() }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(9 << 20)
        var written: Int64 = 0
        var lines = 0
        start(&buffer, &lines)
        while written + Int64(buffer.count) < target {
            next(&buffer, &lines)
            if buffer.count >= 8 << 20 {
                handle.write(Data(buffer))
                written += Int64(buffer.count)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        handle.write(Data(buffer))
        written += Int64(buffer.count)
        return (written, lines)
    }
}
