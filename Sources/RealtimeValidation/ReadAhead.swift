import Foundation
import RealtimeProtocol
import RealtimeRecording

/// Reads, scans and parses a recording on a second thread while the caller validates, so a file is
/// validated on two cores: one frames lines and builds the events' tape, the other runs the rules.
///
/// Events travel in batches of `batchSize` (fewer once their bytes pass `batchBytes`) through a queue
/// of at most `depth` batches (so memory is bounded and a slow validator holds the reader back). A
/// batch's events share one tape (`JSONTape.batch()`: the scanner's nodes of each event appended in
/// turn), so what crosses between the cores is one object and two buffers written front to back, not
/// a tape per event. Tapes come back: once the validator has finished with a batch and nothing else
/// holds its tape (the validator keeps the events of `session.*` it remembers, and with them their
/// batch's tape), the tape returns to a pool the reading thread appends into, so the steady state
/// allocates nothing per event. Pooled tapes larger than `poolableBytes` are dropped instead. An
/// event the scanner built no nodes for (a `text` payload, a fragmented message) gets a tape of its own.
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
        /// The tape most of the events live in (see the type's comment).
        var tape: JSONTape?
    }

    let batchSize = 128
    let depth = 8
    /// A reader waiting for room in a full queue is woken once the queue is down to this many batches, so it reads
    /// several batches per wake-up: waking it for every batch taken was a system call per batch on the validator's
    /// thread (`futex_wake`, 2.6 % of it on a file where most events have a finding) and a sleep per batch on the
    /// reader's.
    let lowWater = 4
    /// A batch is sent once its tape holds this many bytes, even with fewer than `batchSize` events (32 KB audio
    /// frames), so the tapes in flight (queue, excerpt window, pool) stay near this size each.
    let batchBytes = 1 << 20
    /// The largest tape kept for reuse (a pooled tape keeps the capacity of the biggest batch it ever held).
    let poolableBytes = 4 << 20

    private let condition = NSCondition()
    private var queue: [Batch] = []
    private var pool: [JSONTape] = []
    private var done = false
    /// Whether the reading thread waits for room, or the consumer for a batch (each side wakes the other only then).
    private var producerWaits = false
    private var consumerWaits = false
    private var failure: (any Error)?
    /// Frames read (valid once `next()` has returned `nil`).
    private(set) var frames = 0

    /// Starts reading `reader` on a new thread.
    init(reader: RecordingReader) {
        reader.buildsEventTapes = true
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
        while queue.isEmpty && !done {
            consumerWaits = true
            condition.wait()
        }
        consumerWaits = false
        if !queue.isEmpty {
            let batch = queue.removeFirst()
            if producerWaits, queue.count <= lowWater { condition.broadcast() }
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
        guard var tape = batch.tape else {
            batch = Batch()
            return 0
        }
        batch = Batch()  // the batch's own references go first
        guard isKnownUniquelyReferenced(&tape), tape.capacity <= poolableBytes else { return 0 }
        condition.lock()
        pool.append(tape)
        condition.unlock()
        return 1
    }

    // MARK: - Reading thread

    private func produce(_ reader: RecordingReader) {
        var batch = Batch()
        var frames = 0
        var spare: [JSONTape] = []
        var tape = JSONTape.batch()
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
                        object = line.eventValue(appendingTo: tape)
                    }
                    var event = ValidatorEvent(
                        line: line.number, index: frames, tUs: line.tUs, direction: direction, opcode: opcode,
                        object: object)
                    if opcode == .error { event.note = line.string(.text) }
                    batch.events.append(event)
                    if batch.events.count == batchSize || tape.byteCount >= batchBytes {
                        batch.tape = tape
                        tape = nextTape(&spare)  // before sending: the batch alone holds its tape, so it can come back
                        send(&batch)
                    }
                }
                return true
            }
            if !batch.events.isEmpty || !batch.issues.isEmpty {
                batch.tape = tape
                tape = JSONTape.batch()
                send(&batch)
            }
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
        while queue.count >= depth {
            producerWaits = true
            condition.wait()
        }
        producerWaits = false
        queue.append(batch)
        batch = Batch()
        if consumerWaits { condition.broadcast() }
    }

    /// An empty tape for the next batch: a pooled one when there is one.
    private func nextTape(_ spare: inout [JSONTape]) -> JSONTape {
        if spare.isEmpty { spare = takePool() }
        guard let tape = spare.popLast() else { return JSONTape.batch() }
        tape.removeAll()
        return tape
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
