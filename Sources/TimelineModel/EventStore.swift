/// Where a timeline's recording lives: bytes read by offset, from a file or from memory.
///
/// The timeline reads a store twice over: front to back in chunks while indexing (`TimelineSource.refresh`), and
/// by offset for the few events a key press asks for (a summary, the detail pane, the conversation). Nothing else in
/// the timeline touches the recording; widgets draw from a `TimelineFrame` and never reach a store.
///
/// Invariant: the bytes below `size()` never change (a store may grow at the end, as a followed file does); a file
/// that shrinks is reported by the reader as `RecordingError.cannotRead`.
public protocol EventStore: AnyObject {
    /// The recording the user named (for the title and messages): a path, or `-` for standard input.
    var name: String { get }
    /// The store's current size in bytes.
    /// - Throws: `RecordingError.cannotRead` naming the recording.
    func size() throws -> Int64
    /// Reads up to `buffer.count` bytes at `offset`; returns how many (0 at the end).
    /// - Throws: `RecordingError.cannotRead` naming the recording.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int
    /// How many reads were made by offset for single events (`bytes(at:count:)`), for tests and measurements.
    var eventReads: Int { get }
    /// Exactly `count` bytes at `offset`, or `nil` when the store is shorter or unreadable there; counts one event read.
    func bytes(at offset: Int64, count: Int) -> [UInt8]?
}

extension EventStore {
    /// Reads exactly `count` bytes at `offset` through `read(into:at:)`, or `nil` when they are not all there.
    func readExactly(at offset: Int64, count: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = out.withUnsafeMutableBytes { raw in
                try? read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]), at: offset + Int64(filled))
            }
            guard let n, n > 0 else { return nil }
            filled += n
        }
        return out
    }
}

/// A recording held in memory: what model and widget tests build a timeline from (no file involved).
///
/// It can grow (`append`), like a followed file, and shrink (`truncate`), like a file rewritten in place; it counts
/// every read so tests can check what the timeline reads and when.
public final class MemoryEventStore: EventStore {
    public let name: String
    private var bytes: [UInt8]
    /// Chunk reads (indexing) so far.
    public private(set) var chunkReads = 0
    public private(set) var eventReads = 0

    public init(_ bytes: [UInt8], name: String = "memory") {
        self.bytes = bytes
        self.name = name
    }

    /// A store holding `text` (UTF-8).
    public convenience init(text: String, name: String = "memory") { self.init(Array(text.utf8), name: name) }

    /// Adds bytes at the end (a recording still being written).
    public func append(_ more: String) { bytes += Array(more.utf8) }

    /// Keeps only the first `count` bytes (a recording truncated while being read).
    public func truncate(to count: Int) { bytes.removeSubrange(min(count, bytes.count)...) }

    public func size() throws -> Int64 { Int64(bytes.count) }

    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        chunkReads += 1
        guard offset >= 0, offset < Int64(bytes.count) else { return 0 }
        let n = min(buffer.count, bytes.count - Int(offset))
        bytes.withUnsafeBytes { raw in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[Int(offset)..<(Int(offset) + n)]))
        }
        return n
    }

    public func bytes(at offset: Int64, count: Int) -> [UInt8]? {
        eventReads += 1
        guard offset >= 0, count >= 0, offset + Int64(count) <= Int64(bytes.count) else { return nil }
        return Array(bytes[Int(offset)..<(Int(offset) + count)])
    }
}
