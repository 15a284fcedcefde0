import Foundation

/// Something bytes can be read from in chunks: a file, standard input, or memory (in tests).
public protocol ByteSource {
    /// A name for messages: the path, or `-` for standard input.
    var name: String { get }
    /// Reads up to `buffer.count` bytes; returns 0 at the end of input.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Reads a file descriptor with `read(2)`: regular files, pipes and terminals alike.
public final class FileSource: ByteSource {
    public let name: String
    private let fd: Int32
    private let owns: Bool

    /// Opens `path` for reading; `-` means standard input.
    /// - Throws: `RecordingError.cannotOpen` with the system's reason.
    public init(path: String) throws {
        name = path
        if path == "-" {
            fd = 0
            owns = false
        } else {
            var info = stat()
            if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
                throw RecordingError.cannotOpen(path: path, reason: "it is a directory")
            }
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw RecordingError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
            owns = true
        }
    }

    deinit {
        if owns { close(fd) }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw RecordingError.cannotRead(path: name, reason: String(cString: strerror(errno)))
        }
    }
}

/// Bytes in memory, handed out in chunks of chosen sizes (tests feed whole, byte-wise and random).
public struct MemorySource: ByteSource {
    public let name: String
    private let bytes: [UInt8]
    private var position = 0
    private var chunkSizes: [Int]
    private var chunkIndex = 0

    /// - Parameter chunkSizes: sizes of successive reads, cycled; empty means "all at once".
    public init(_ bytes: [UInt8], name: String = "memory", chunkSizes: [Int] = []) {
        self.bytes = bytes
        self.name = name
        self.chunkSizes = chunkSizes.filter { $0 > 0 }
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard position < bytes.count else { return 0 }
        var want = buffer.count
        if !chunkSizes.isEmpty {
            want = min(want, chunkSizes[chunkIndex % chunkSizes.count])
            chunkIndex += 1
        }
        let n = min(want, bytes.count - position)
        bytes.withUnsafeBytes { src in
            guard let from = src.baseAddress else { return }
            buffer.baseAddress?.copyMemory(from: from + position, byteCount: n)
        }
        position += n
        return n
    }
}
