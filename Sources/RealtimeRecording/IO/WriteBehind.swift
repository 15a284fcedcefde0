import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes files on a thread of its own.
///
/// So the kernel's copying of the bytes runs on the second core while the caller makes the next ones (on two cores a
/// write-heavy command then takes about the longer of the two, not their sum). Serves `rtscope import` (one
/// descriptor, buffers appended in order and handed back for reuse) and `rtscope audio` (writes at offsets into many
/// WAV files, and their closes).
///
/// Contract:
/// - Order: jobs (a write at the file's position, a write at an offset, closing a descriptor) run one at a time in
///   the order they were queued, so every file sees its writes in order and is closed after them.
/// - Memory: a write is queued only while fewer than `limit` bytes wait (counting the batch being written), so at
///   most `limit` plus one write's bytes are held; a caller that gets ahead waits, so a slow disk holds it back and
///   memory stays flat. Buffers given with `submit` come back empty (capacity kept; at most four are kept for
///   reuse), so a steady stream of them allocates nothing.
/// - Wake-ups: the thread takes the whole queue as one batch once `wakeBytes` bytes or `wakeJobs` jobs wait, or when
///   asked to (`drain`, `stop`): waking it for each small write would cost a context switch per write.
/// - Errors: the first failure is kept as `RecordingError.cannotWrite` naming the job's file. Every later write is
///   skipped (descriptors are still closed), and the failure is thrown by the next `write`, `submit`, `close`,
///   `drain` or `finish`, so nothing after a failed write reaches a file.
/// - Descriptors: the caller keeps ownership of a descriptor until it queues its `close`; it must not close or
///   reuse it while writes to it are queued. Whoever reads a file back calls `drain` first.
/// - Lifetime: the owner calls `stop` (or `finish`) on every path: it runs what is queued and ends the thread (the
///   thread holds the object until then). After it, `close` closes at once and `write`/`submit` throw.
public final class WriteBehind: @unchecked Sendable {
    private struct Job {
        var fd: Int32
        var bytes: [UInt8]
        /// `nil`: at the descriptor's position (`write(2)`); else `pwrite(2)` at this offset.
        var offset: Int?
        var name: String
        var closes = false
        /// `bytes` goes back to the free list once written (`submit`).
        var recycle = false
    }

    /// Bytes that may wait in the queue.
    public let limit: Int
    /// Bytes (or jobs) waiting that make the thread take the queue.
    public let wakeBytes: Int
    public let wakeJobs: Int

    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var free: [[UInt8]] = []
    private var queuedBytes = 0
    private var busy = false
    private var idle = false
    private var urgent = false
    private var stopping = false
    private var finished = false
    private var failure: RecordingError?

    /// Starts the writing thread.
    /// - Parameters:
    ///   - limit: bytes that may wait; at least one write's worth is always accepted.
    ///   - wakeBytes, wakeJobs: how much waits before the thread is woken (see the type's contract).
    public init(limit: Int = 8 << 20, wakeBytes: Int = 1 << 20, wakeJobs: Int = 512) {
        self.limit = limit
        self.wakeBytes = wakeBytes
        self.wakeJobs = wakeJobs
        let thread = Thread { [self] in self.work() }
        thread.stackSize = 1 << 18
        thread.start()
    }

    /// Queues writing all of `bytes` to `fd` (`name` names it in an error).
    ///
    /// At `offset`, or at the descriptor's position when `offset` is `nil`. Waits while the queue is full.
    /// - Throws: the first failure of an earlier job.
    public func write(_ bytes: [UInt8], fd: Int32, at offset: Int? = nil, name: String) throws {
        guard !bytes.isEmpty else { return }
        try enqueue(Job(fd: fd, bytes: bytes, offset: offset, name: name))
    }

    /// Queues writing `buffer` at `fd`'s position and gives back an empty buffer with at least `minimumCapacity` to
    /// fill next: one written earlier when there is one.
    ///
    /// The capacity asked for is a fixed floor, not the capacity given: an allocator rounds a reservation up, so
    /// reserving "what the last buffer had" would grow every new buffer and never reuse a written one.
    /// - Throws: the first failure of an earlier job.
    public func submit(_ buffer: inout [UInt8], fd: Int32, name: String, minimumCapacity: Int) throws {
        guard !buffer.isEmpty else { return }
        condition.lock()
        defer { condition.unlock() }
        try waitForRoom(name: name)
        queuedBytes += buffer.count
        // Moved into the queue in place: a second reference (a local job) alive when the thread empties the buffer
        // would make that copy-on-write allocate a new one.
        jobs.append(Job(fd: fd, bytes: [], offset: nil, name: name, recycle: true))
        swap(&jobs[jobs.count - 1].bytes, &buffer)
        buffer = free.popLast() ?? []
        if buffer.capacity < minimumCapacity { buffer.reserveCapacity(minimumCapacity) }
        wakeIfReady()
    }

    /// Queues closing `fd` after the writes queued before (at once when the thread has stopped).
    /// - Throws: the first failure of an earlier job.
    public func close(fd: Int32, name: String) throws {
        condition.lock()
        defer { condition.unlock() }
        guard !finished else {
            _ = closeDescriptor(fd)
            if let failure { throw failure }
            return
        }
        jobs.append(Job(fd: fd, bytes: [], offset: nil, name: name, closes: true))
        wakeIfReady()
        if let failure { throw failure }
    }

    /// Waits until every queued job has run.
    /// - Throws: the first failure of any job.
    public func drain() throws {
        condition.lock()
        defer { condition.unlock() }
        urgent = true
        condition.broadcast()
        while !jobs.isEmpty || busy { condition.wait() }
        urgent = false
        if let failure { throw failure }
    }

    /// Runs what is queued, then ends the thread (descriptors queued for closing are closed).
    ///
    /// Idempotent.
    public func stop() {
        condition.lock()
        defer { condition.unlock() }
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
    }

    /// `stop`, then the first failure of any job.
    public func finish() throws {
        stop()
        condition.lock()
        defer { condition.unlock() }
        if let failure { throw failure }
    }

    /// Appends `job` once there is room.
    private func enqueue(_ job: Job) throws {
        condition.lock()
        defer { condition.unlock() }
        try waitForRoom(name: job.name)
        queuedBytes += job.bytes.count
        jobs.append(job)
        wakeIfReady()
    }

    /// Waits while `limit` bytes wait (call with the lock held).
    /// - Throws: the first failure, or `cannotWrite` naming `name` once the thread has stopped.
    private func waitForRoom(name: String) throws {
        while queuedBytes >= limit && failure == nil && !finished {
            wakeIfReady()
            condition.wait()
        }
        if let failure { throw failure }
        guard !finished else { throw RecordingError.cannotWrite(path: name, reason: "the writer was stopped") }
    }

    // MARK: - Writing thread

    /// Whether the writing thread should take the queue now (call with the lock held).
    private var ready: Bool {
        !jobs.isEmpty && (urgent || stopping || queuedBytes >= wakeBytes || jobs.count >= wakeJobs)
    }

    /// Wakes the writing thread when it waits and the queue is ready (call with the lock held).
    private func wakeIfReady() {
        if idle && ready { condition.broadcast() }
    }

    private func work() {
        condition.lock()
        var batch: [Job] = []
        while true {
            while !ready && !(stopping && jobs.isEmpty) {
                idle = true
                condition.wait()
            }
            idle = false
            if jobs.isEmpty {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            swap(&batch, &jobs)
            busy = true
            let skip = failure != nil
            condition.unlock()
            var error: RecordingError?
            var done = 0
            var written: [[UInt8]] = []
            for i in batch.indices {
                // Fields read in place: a copy of the job would share its buffer, and emptying it would reallocate.
                let fd = batch[i].fd
                if batch[i].closes {
                    if closeDescriptor(fd) != 0, !skip, error == nil { error = writeFailure(batch[i].name) }
                    continue
                }
                var bytes: [UInt8] = []
                swap(&bytes, &batch[i].bytes)
                done += bytes.count
                if !skip && error == nil {
                    let offset = batch[i].offset
                    let name = batch[i].name
                    error = bytes.withUnsafeBytes { Self.writeAll($0, fd: fd, at: offset, name: name) }
                }
                if batch[i].recycle {
                    bytes.removeAll(keepingCapacity: true)
                    written.append(bytes)
                }
            }
            batch.removeAll(keepingCapacity: true)
            condition.lock()
            busy = false
            queuedBytes -= done
            if free.count < 4 { free.append(contentsOf: written.prefix(4 - free.count)) }
            written = []  // the free list holds the only references
            if failure == nil { failure = error }
            condition.broadcast()
        }
    }

    /// Writes all of `bytes` to `fd`, at `offset` (`pwrite`) or at its position (`write`); the failure naming
    /// `name`, or `nil`.
    public static func writeAll(_ bytes: UnsafeRawBufferPointer, fd: Int32, at offset: Int?, name: String)
        -> RecordingError?
    {
        guard let base = bytes.baseAddress else { return nil }
        var done = 0
        while done < bytes.count {
            let n =
                offset.map { pwrite(fd, base + done, bytes.count - done, off_t($0 + done)) }
                ?? systemWrite(fd, base + done, bytes.count - done)
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return n == 0 ? .cannotWrite(path: name, reason: "nothing was written") : writeFailure(name) }
            done += n
        }
        return nil
    }
}

/// `close(2)` (inside `WriteBehind`, `close` names its method).
private func closeDescriptor(_ fd: Int32) -> Int32 { close(fd) }

/// `write(2)` (inside `WriteBehind`, `write` names its method).
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { write(fd, bytes, count) }
