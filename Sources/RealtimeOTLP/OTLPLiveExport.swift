import Foundation
public import RealtimeTelemetry

#if canImport(Glibc)
    import Glibc
#endif

/// `rtscope record --otlp`: exports each connection once its recording is closed, off the event loop.
///
/// `offer` is what the proxy's observer calls (on an event loop): it takes a lock, appends to a
/// bounded queue and returns; when the queue is full the session is dropped and counted, never
/// waited for. One worker thread reads each closed recording back (the same one-pass load as
/// `rtscope export otlp`) and hands it to swift-otel, whose own batch queue sends it in the
/// background. So a slow or unreachable collector costs the proxy one lock and one append per
/// connection; what fails is reported once (`onProblem`), and counted in the final report. On Linux the
/// worker runs at nice 10 (`backgroundNice`), so reading back and mapping a closed recording yields the
/// CPU to the proxy's event loop on a busy machine instead of competing with it.
public final class OTLPLiveExport: @unchecked Sendable {
    private let sink: OTLPSink
    private let capacity: Int
    fileprivate let condition = NSCondition()
    fileprivate var queue: [[String]] = []
    fileprivate var stopping = false
    private var worker: Thread?
    fileprivate var finishedWork = false
    /// Connections dropped because the queue was full, or not recorded to a file.
    fileprivate var droppedCount = 0
    public var dropped: Int {
        condition.lock()
        defer { condition.unlock() }
        return droppedCount
    }
    private var reportedDrop = false
    private let onProblem: @Sendable (String) -> Void

    /// - Parameters:
    ///   - capacity: connections that may wait for export; more are dropped and counted.
    ///   - onProblem: called at most once for drops (the first one); never with header values.
    /// - Throws: `OTLPError` for unusable settings or a build without the OTLP trait.
    public init(
        settings: OTLPSettings, options: SessionTelemetry.Options = .init(), capacity: Int = 64,
        onProblem: @escaping @Sendable (String) -> Void
    ) throws {
        sink = try OTLPSink(settings: settings, options: options)
        self.capacity = max(1, capacity)
        self.onProblem = onProblem
        let thread = Thread { [weak self] in self?.work() }
        thread.name = "rtscope-otlp-export"
        worker = thread
        thread.start()
    }

    /// Queues a closed connection's recording files; returns at once (false: dropped).
    @discardableResult
    public func offer(paths: [String]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping, !paths.isEmpty, queue.count < capacity else {
            droppedCount += 1
            if !reportedDrop {
                reportedDrop = true
                let reason =
                    paths.isEmpty ? "a connection was not recorded to a file" : "the export queue is full (\(capacity))"
                onProblem("OTLP export: \(reason); dropping sessions (counted in the summary).")
            }
            return false
        }
        queue.append(paths)
        condition.signal()
        return true
    }

    /// The worker thread's nice value on Linux, where the nice value is per thread: `setpriority(PRIO_PROCESS, 0, …)`
    /// called on the worker changes only the worker (man 2 setpriority, "Bugs").
    static let backgroundNice: Int32 = 10

    private func work() {
        #if canImport(Glibc)
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Self.backgroundNice)
        #endif
        while true {
            condition.lock()
            while queue.isEmpty, !stopping { condition.wait() }
            if queue.isEmpty {
                finishedWork = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let paths = queue.removeFirst()
            condition.unlock()
            for path in paths {
                if let source = try? TelemetrySource.load(path) { sink.send(source) }
            }
        }
    }

    /// Exports what is queued and stops, waiting at most `seconds` in all (what is left then is
    /// counted as dropped, and the report says the collector did not answer in time).
    public func finish(within seconds: Double) async -> OTLPReport {
        let deadline = Date().addingTimeInterval(seconds)
        let workerDone = stopWorker(by: deadline)
        var late = OTLPReport()
        late.failures = 1
        late.firstFailure = "the export did not finish within \(Int(seconds)) s"
        // The worker may still be inside a send: the sink is not touched concurrently.
        guard workerDone else { return late }
        let sink = sink
        let remaining = max(0.1, deadline.timeIntervalSinceNow)
        let report: OTLPReport? = await withCheckedContinuation { continuation in
            let once = ResumeOnce(continuation)
            Task { once.resume(await sink.finish()) }
            Task {
                try? await Task.sleep(nanoseconds: UInt64(remaining * 1_000_000_000))
                once.resume(nil)
            }
        }
        return report ?? late
    }
}

extension OTLPLiveExport {
    /// Tells the worker to stop after the queue and waits for it until `deadline` (synchronous: a
    /// short wait at shutdown); what is still queued then is counted as dropped.
    fileprivate func stopWorker(by deadline: Date) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        stopping = true
        condition.broadcast()
        while !finishedWork, condition.wait(until: deadline) {}
        droppedCount += queue.count
        queue.removeAll()
        return finishedWork
    }
}

/// Resumes a continuation with the first value offered, ignoring later ones.
final class ResumeOnce<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Value?, Never>?

    init(_ continuation: CheckedContinuation<Value?, Never>) { self.continuation = continuation }

    func resume(_ value: Value?) {
        lock.lock()
        let pending = continuation
        continuation = nil
        lock.unlock()
        pending?.resume(returning: value)
    }
}
