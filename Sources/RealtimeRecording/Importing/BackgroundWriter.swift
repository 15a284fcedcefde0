import Foundation

/// Writes buffers to a descriptor on a second thread, in order, so an importer scans the next lines while the
/// kernel copies the last ones (on two cores the import takes about the longer of the two, not their sum).
///
/// Memory: at most `depth` buffers queued plus the one being filled; written buffers come back for reuse, so the
/// steady state allocates nothing. A failed write is reported by the next `submit` or by `finish`, and nothing after
/// it is written. The owner must call `finish` (the thread holds the writer until then); it waits for the thread to
/// end, so the descriptor is never written after the owner is done with it.
final class BackgroundWriter: @unchecked Sendable {
    private let fd: Int32
    private let name: String
    private let condition = NSCondition()
    private var queue: [[UInt8]] = []
    private var free: [[UInt8]] = []
    private var closed = false
    private var running = true
    private var failure: (any Error)?
    let depth = 2

    /// Starts the writing thread for `fd`; errors name `name`.
    init(fd: Int32, name: String) {
        self.fd = fd
        self.name = name
        let thread = Thread { [self] in self.run() }
        thread.stackSize = 1 << 18
        thread.start()
    }

    /// Queues `buffer` for writing and gives back an empty one (with capacity) to fill next; waits while `depth`
    /// buffers are queued.
    /// - Throws: the `RecordingError.cannotWrite` of an earlier write.
    func submit(_ buffer: inout [UInt8]) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= depth, failure == nil { condition.wait() }
        if let failure { throw failure }
        let capacity = buffer.capacity
        queue.append(buffer)
        buffer = free.popLast() ?? []
        if buffer.capacity < capacity { buffer.reserveCapacity(capacity) }
        condition.broadcast()
    }

    /// Waits until every queued buffer is written and the thread has ended.
    /// - Throws: the first write's failure.
    func finish() throws {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        condition.broadcast()
        while running { condition.wait() }
        if let failure { throw failure }
    }

    private func run() {
        condition.lock()
        while true {
            while queue.isEmpty, !closed { condition.wait() }
            guard !queue.isEmpty else { break }
            var buffer = queue.removeFirst()
            let failed = failure != nil
            condition.unlock()
            var error: (any Error)?
            if !failed {
                do {
                    try buffer.withUnsafeBytes { try writeAll(fd, $0, name: name) }
                } catch let e {
                    error = e
                }
            }
            buffer.removeAll(keepingCapacity: true)
            condition.lock()
            if let error, failure == nil { failure = error }
            free.append(buffer)
            condition.broadcast()
        }
        running = false
        condition.broadcast()
        condition.unlock()
    }
}
