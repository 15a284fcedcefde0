import Foundation
import RealtimeProtocol
import RealtimeRecording

/// Reads, scans and parses a recording on a second thread while the caller validates, so a file is
/// validated on two cores: one frames lines and builds each event's tape, the other runs the rules.
///
/// Events travel in batches of `batchSize` through a queue of at most `depth` batches (so memory is
/// bounded and a slow validator holds the reader back). Tapes come back: once the validator has
/// finished with a batch, every tape nothing else holds (the validator keeps the tapes of
/// `session.*` events it remembers) returns to a pool the reading thread parses into, so the steady
/// state allocates nothing per event. Pooled tapes larger than `poolableBytes` are dropped instead.
///
/// Order is preserved: the consumer sees frames in file order; reader issues arrive with the batch
/// of frames read after them. The consumer must read to the end (`next()` returning `nil` or
/// throwing): the reading thread waits for room in the queue until then.
final class ReadAhead: @unchecked Sendable {
    struct Batch {
        var events: [ValidatorEvent] = []
        var issues: [ReaderIssue] = []
        /// The dialect the header declared, as known when the first frame was read.
        var headerDialect: Dialect?
        /// The header's `source` (`proxy`, `import`, …), as known when the first frame was read.
        var headerSource: String?
    }

    let batchSize = 128
    let depth = 4
    /// The largest tape kept for reuse.
    ///
    /// A pooled tape keeps the capacity of the biggest event it ever held, so pooling
    /// tapes of 32 KB audio frames grew every tape in flight (queue, excerpt window, pool) to that size: `validate`
    /// on the mixed audio corpus went from 38 to 79 MiB with a 1 MiB bound, and is at 48 MiB with this one.
    let poolableBytes = 16 << 10

    private let condition = NSCondition()
    private var queue: [Batch] = []
    private var pool: [JSONTape] = []
    private var done = false
    private var failure: (any Error)?
    /// Frames read (valid once `next()` has returned `nil`).
    private(set) var frames = 0

    /// Starts reading `reader` on a new thread.
    init(reader: RecordingReader) {
        let box = ReaderBox(reader)
        let thread = Thread { [self] in self.produce(box.reader) }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// The next batch, or `nil` at the end.
    ///
    /// - Throws: what the reader threw.
    func next() throws -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !done { condition.wait() }
        if !queue.isEmpty {
            let batch = queue.removeFirst()
            condition.broadcast()
            return batch
        }
        if let failure { throw failure }
        return nil
    }

    /// Hands back batches the consumer has finished with, taking them; returns how many tapes went back to the pool.
    ///
    /// Taking matters: a copy of a batch left anywhere (a loop variable, the array it came in) would hold its events
    /// and so every tape, and nothing would be pooled.
    @discardableResult
    func recycle(_ batches: consuming [Batch]) -> Int {
        var batches = batches
        var pooled = 0
        for i in batches.indices { pooled += recycle(&batches[i]) }
        return pooled
    }

    /// Hands back a batch the consumer has finished with; returns how many of its tapes went back to the pool.
    ///
    /// Its tapes that nothing else holds go back.
    @discardableResult
    func recycle(_ batch: inout Batch) -> Int {
        var tapes = batch.events.compactMap { $0.object?.document }
        batch = Batch()  // the batch's own references go first
        var reusable: [JSONTape] = []
        for i in tapes.indices where isKnownUniquelyReferenced(&tapes[i]) && tapes[i].capacity <= poolableBytes {
            reusable.append(tapes[i])
        }
        tapes = []
        guard !reusable.isEmpty else { return 0 }
        condition.lock()
        pool += reusable
        condition.unlock()
        return reusable.count
    }

    // MARK: - Reading thread

    private func produce(_ reader: RecordingReader) {
        var batch = Batch()
        var frames = 0
        var spare: [JSONTape] = []
        var headerSource: String?
        var headerDialect: Dialect?
        // Per direction (c2s, s2c): a text message fragmented into `"fin":false` + `cont` lines, put
        // together so the rules see one event (at its last line); at most 64 MiB, then given up.
        var fragments: [[UInt8]?] = [nil, nil]
        do {
            try reader.read { event in
                switch event {
                case .issue(let issue):
                    batch.issues.append(issue)
                case .line(let line):
                    guard line.kind == .frame, let direction = line.direction, var opcode = line.opcode else {
                        return true
                    }
                    frames += 1
                    if frames == 1 {
                        headerDialect = reader.header?.dialect
                        headerSource = reader.header?.source
                    }
                    batch.headerDialect = headerDialect
                    batch.headerSource = headerSource
                    var object: JSONValue?
                    let side = direction == .clientToServer ? 0 : 1
                    if opcode == .text, line.fields.has(.fin), let frame = line.frame(), !frame.fin {
                        fragments[side] = frame.payload
                        return true
                    }
                    if opcode == .cont, let sofar = fragments[side], let frame = line.frame() {
                        fragments[side] = sofar.count + frame.payload.count <= 1 << 26 ? sofar + frame.payload : nil
                        guard frame.fin, let whole = fragments[side] else { return true }
                        fragments[side] = nil
                        opcode = .text
                        object = JSONTape.parse(whole)
                    } else if opcode == .text {
                        if spare.isEmpty { spare = takePool() }
                        var tape = spare.popLast()
                        object = line.eventValue(reusing: &tape)
                        if object == nil, let unused = tape { spare.append(unused) }
                    }
                    var event = ValidatorEvent(
                        line: line.number, index: frames, tUs: line.tUs, direction: direction, opcode: opcode,
                        object: object)
                    if opcode == .error { event.note = line.string(.text) }
                    batch.events.append(event)
                    if batch.events.count == batchSize { send(&batch) }
                }
                return true
            }
            if !batch.events.isEmpty || !batch.issues.isEmpty { send(&batch) }
            finish(frames: frames, failure: nil)
        } catch {
            finish(frames: frames, failure: error)
        }
    }

    /// Waits for room in the queue, then moves `batch` into it (leaving it empty).
    ///
    /// Moved, not copied: a copy left on this thread would hold the batch's events, so the consumer could not recycle
    /// their tapes.
    private func send(_ batch: inout Batch) {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= depth { condition.wait() }
        queue.append(batch)
        batch = Batch()
        condition.broadcast()
    }

    private func takePool() -> [JSONTape] {
        condition.lock()
        defer { condition.unlock() }
        let taken = pool
        pool = []
        return taken
    }

    private func finish(frames: Int, failure: (any Error)?) {
        condition.lock()
        self.frames = frames
        self.failure = failure
        done = true
        condition.broadcast()
        condition.unlock()
    }
}

/// Carries the reader to the reading thread, which from then on is its only user.
private final class ReaderBox: @unchecked Sendable {
    let reader: RecordingReader
    init(_ reader: RecordingReader) { self.reader = reader }
}
