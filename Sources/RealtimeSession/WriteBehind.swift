import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes the export's files on a thread of its own, so the kernel's copying of the WAV bytes (about half of an
/// export's time) runs on the second core while the export reads and decodes the next chunks.
///
/// Jobs (a write at an offset, or closing a file) run in the order they were queued, so every file sees its writes
/// in order and is closed after them. At most `limit` bytes wait at a time (a slow disk holds the export back, and
/// memory stays flat). The first failure is kept: later writes are skipped (files are still closed), and the
/// failure is thrown by the next `write`, `close` or `drain`. Whoever reads a file back calls `drain` first. The
/// owner calls `stop` when done, on every path (it finishes the queue and ends the thread).
final class WriteBehind: @unchecked Sendable {
    private enum Job {
        case write(fd: Int32, bytes: [UInt8], offset: Int, path: String)
        case close(fd: Int32, path: String)
    }

    /// Bytes that may wait in the queue.
    static let limit = 8 << 20
    /// The writing thread takes the queue as one batch once this many bytes (or `wakeJobs` jobs) wait, or when asked
    /// to (`drain`, `stop`): waking it for each small write would cost a context switch per chunk.
    static let wakeBytes = 1 << 20
    static let wakeJobs = 512

    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var queuedBytes = 0
    private var busy = false
    private var idle = false
    private var urgent = false
    private var stopping = false
    private var finished = false
    private var failure: AudioExportError?

    init() {
        let thread = Thread { [self] in self.work() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Queues writing all of `bytes` at `offset` of the open file `fd` (`path` names it in an error), waiting while
    /// the queue is full.
    /// - Throws: the first failure of an earlier job.
    func write(_ bytes: [UInt8], fd: Int32, at offset: Int, path: String) throws {
        guard !bytes.isEmpty else { return }
        condition.lock()
        defer { condition.unlock() }
        while queuedBytes >= Self.limit && failure == nil {
            wakeIfReady()
            condition.wait()
        }
        if let failure { throw failure }
        jobs.append(.write(fd: fd, bytes: bytes, offset: offset, path: path))
        queuedBytes += bytes.count
        wakeIfReady()
    }

    /// Queues closing `fd` after the writes queued before.
    /// - Throws: the first failure of an earlier job.
    func close(fd: Int32, path: String) throws {
        condition.lock()
        defer { condition.unlock() }
        guard !finished else {  // stopped: nothing is queued any more
            _ = closeDescriptor(fd)
            return
        }
        jobs.append(.close(fd: fd, path: path))
        wakeIfReady()
        if let failure { throw failure }
    }

    /// Waits until every queued job has run.
    /// - Throws: the first failure of any job.
    func drain() throws {
        condition.lock()
        defer { condition.unlock() }
        urgent = true
        condition.broadcast()
        while !jobs.isEmpty || busy { condition.wait() }
        urgent = false
        if let failure { throw failure }
    }

    /// Runs what is queued, then ends the thread (files queued for closing are closed).
    ///
    /// Idempotent.
    func stop() {
        condition.lock()
        defer { condition.unlock() }
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
    }

    // MARK: - Writing thread

    /// Whether the writing thread should take the queue now (call with the lock held).
    private var ready: Bool {
        !jobs.isEmpty && (urgent || stopping || queuedBytes >= Self.wakeBytes || jobs.count >= Self.wakeJobs)
    }

    /// Wakes the writing thread when it waits and the queue is ready (call with the lock held).
    private func wakeIfReady() {
        if idle && ready { condition.broadcast() }
    }

    private func work() {
        condition.lock()
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
            var batch: [Job] = []
            swap(&batch, &jobs)
            busy = true
            let skip = failure != nil
            condition.unlock()
            var error: AudioExportError?
            var done = 0
            for job in batch {
                switch job {
                case .write(let fd, let bytes, let offset, let path):
                    done += bytes.count
                    if !skip && error == nil { error = Self.writeAll(bytes, fd: fd, at: offset, path: path) }
                case .close(let fd, let path):
                    if closeDescriptor(fd) != 0, !skip, error == nil {
                        error = AudioExportError("\(path): cannot write: \(String(cString: strerror(errno)))")
                    }
                }
            }
            batch = []
            condition.lock()
            busy = false
            queuedBytes -= done
            if failure == nil { failure = error }
            condition.broadcast()
        }
    }

    /// `pwrite` until all of `bytes` is written; the failure, or nil.
    static func writeAll(_ bytes: [UInt8], fd: Int32, at offset: Int, path: String) -> AudioExportError? {
        bytes.withUnsafeBytes { writeAll($0, fd: fd, at: offset, path: path) }
    }

    /// `pwrite` until all of `bytes` is written; the failure, or nil.
    static func writeAll(_ bytes: UnsafeRawBufferPointer, fd: Int32, at offset: Int, path: String)
        -> AudioExportError?
    {
        guard let base = bytes.baseAddress else { return nil }
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, base + done, bytes.count - done, off_t(offset + done))
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return AudioExportError("\(path): cannot write: \(String(cString: strerror(errno)))") }
            done += n
        }
        return nil
    }
}

/// `close(2)` (inside the class, `close` names its method).
func closeDescriptor(_ fd: Int32) -> Int32 { close(fd) }
