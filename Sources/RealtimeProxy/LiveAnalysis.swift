import Foundation
import NIOConcurrencyHelpers
import RealtimeProtocol
import RealtimeRecording
import RealtimeSession
import RealtimeValidation

/// A frame already written to the recording, handed to the live analysis.
struct RecordedFrame: Sendable {
    let seq: Int
    let tUs: Int64
    let direction: Direction
    let opcode: Opcode
    let closeCode: Int?
    /// The payload as recorded (after redaction).
    let payload: [UInt8]
    let location: LineLocation
    /// The writer embedded the payload as JSON, so it is known to be valid JSON.
    let embeddedJSON: Bool
}

/// The recorder's work that the forwarding path does not wait for: the live validator, the session
/// model, frame summaries and every observer call (the console's `write(1)`), on a serial queue of
/// its own, in recording order.
///
/// Hand-off: `submit` appends to a locked inbox and wakes the analysis thread at most once per
/// `wakeDelay` (a wake per frame cost the relay about as much latency as the rest of its work: with
/// one frame in flight the analysis thread was always idle, so every frame woke it, on the same two
/// cores as the relay and its peers). So frames reach the validator and the console up to
/// `wakeDelay` after they are recorded, in recording order; an inbox of `wakeFrames` frames or
/// `wakeBytes` bytes wakes it at once. `finish`, `post` and `summary` take the inbox first.
///
/// Limits: at most `maxPendingFrames` frames or `maxPendingBytes` payload bytes wait (in the inbox
/// or being analysed); `submit` never blocks, and a batch that does not fit is dropped and counted.
/// After the first drop the validator would see a gap (and report findings that are not in the
/// recording), so live analysis stops for the connection: later frames are counted as dropped too,
/// one `.notice` says so, and `rtscope validate` on the recording gives the full result.
final class LiveAnalysis: @unchecked Sendable {  // worker state is confined to `queue`; `pending` is locked
    let conn: String
    private let queue: DispatchQueue
    private let observe: @Sendable (RecorderEvent) -> Void
    private let observeFrames: Bool
    private let maxPendingFrames: Int
    private let maxPendingBytes: Int
    private let wakeDelay: DispatchTimeInterval
    private let wakeFrames: Int
    private let wakeBytes: Int
    private let pending = NIOLockedValueBox(Pending())

    private struct Pending {
        /// Frames and bytes in the inbox or being analysed.
        var frames = 0
        var bytes = 0
        var dropped = 0
        var stopped = false
        /// Recorded frames not yet taken by the analysis thread, in recording order.
        var inbox: [RecordedFrame] = []
        var inboxBytes = 0
        /// A delayed drain is scheduled (later submits only append).
        var delayedDrain = false
        /// An immediate drain is queued (the inbox is large).
        var immediateDrain = false
        /// Where live analysis stopped (the frame of the first drop), reported once.
        var stopAt: RecordedFrame?
    }

    // Confined to `queue`.
    private var validator: SessionValidator
    private var session: SessionModelBuilder
    private let prices = PriceTable.bundled
    private var scanner = LineScanner(mode: .bareEvent)
    private var tape: JSONTape?
    private var findings: [Finding] = []
    /// The first frame of each part and the part's file, to name the file of a finding's frame.
    private var partStarts: [(seq: Int, path: String?)] = []

    init(
        conn: String, dialect: Dialect?, observeFrames: Bool, maxPendingFrames: Int = 16_384,
        maxPendingBytes: Int = 64 << 20, wakeDelay: DispatchTimeInterval = LiveAnalysis.defaultWakeDelay,
        wakeFrames: Int = 4096, wakeBytes: Int = 8 << 20, observe: @escaping @Sendable (RecorderEvent) -> Void
    ) {
        self.conn = conn
        self.observe = observe
        self.observeFrames = observeFrames
        self.maxPendingFrames = maxPendingFrames
        self.maxPendingBytes = maxPendingBytes
        self.wakeDelay = wakeDelay
        self.wakeFrames = wakeFrames
        self.wakeBytes = wakeBytes
        queue = DispatchQueue(label: "rtscope.live.\(conn)")
        validator = SessionValidator(declaredDialect: dialect)
        session = SessionModelBuilder(dialect: dialect, keepsAudioChunks: false)
    }

    /// How long a frame may wait in the inbox before the analysis thread is woken for it.
    static let defaultWakeDelay = DispatchTimeInterval.milliseconds(10)

    /// Frames (and batches) that were not analysed because the queue was full.
    var dropped: Int { pending.withLockedValue { $0.dropped } }

    /// Adds `batch` to the inbox, or drops it when the bound is reached (never blocks; wakes the
    /// analysis thread only when no drain is scheduled yet, or when the inbox is large).
    func submit(_ batch: [RecordedFrame]) {
        guard !batch.isEmpty else { return }
        let bytes = batch.reduce(0) { $0 + $1.payload.count }
        enum Wake { case none, later, now }
        let wake = pending.withLockedValue { state -> Wake in
            let fits =
                (state.frames == 0 || state.frames + batch.count <= maxPendingFrames)
                && (state.bytes == 0 || state.bytes + bytes <= maxPendingBytes)
            guard !state.stopped && fits else {
                state.dropped += batch.count
                guard !state.stopped else { return .none }
                state.stopped = true
                state.stopAt = batch[0]
                state.immediateDrain = true
                return .now  // what was queued is analysed, then the notice
            }
            state.frames += batch.count
            state.bytes += bytes
            state.inbox += batch
            state.inboxBytes += bytes
            if !state.immediateDrain && (state.inbox.count >= wakeFrames || state.inboxBytes >= wakeBytes) {
                state.immediateDrain = true
                return .now
            }
            if state.delayedDrain || state.immediateDrain { return .none }
            state.delayedDrain = true
            return .later
        }
        switch wake {
        case .none: break
        case .later: queue.asyncAfter(deadline: .now() + wakeDelay) { [self] in drain(delayed: true) }
        case .now: queue.async { [self] in drain(delayed: false) }
        }
    }

    /// Reports `event` from the analysis queue, after what is queued (the caller never writes to the console).
    func post(_ event: RecorderEvent) {
        queue.async { [self] in
            drain(delayed: false)
            observe(event)
        }
    }

    /// Analyses what the inbox holds, in order (on `queue`); reports where live analysis stopped
    /// once, after the frames queued before the first drop.
    private func drain(delayed: Bool) {
        let (batch, bytes, stop) = pending.withLockedValue { state in
            if delayed { state.delayedDrain = false } else { state.immediateDrain = false }
            defer {
                state.inbox = []
                state.inboxBytes = 0
                state.stopAt = nil
            }
            return (state.inbox, state.inboxBytes, state.stopAt)
        }
        for frame in batch { analyse(frame) }
        if !batch.isEmpty {
            pending.withLockedValue {
                $0.frames -= batch.count
                $0.bytes -= bytes
            }
        }
        if let stop { reportStop(at: stop) }
    }

    private func reportStop(at frame: RecordedFrame) {
        let place = frame.location.path.map { "\($0):\(frame.location.line)" } ?? "line \(frame.location.line)"
        observe(
            .notice(
                message:
                    "\(conn): live validation stopped at \(place): the console fell behind the traffic; the recording is complete, run `rtscope validate` on it for every finding"
            ))
    }

    /// Runs the end-of-session checks after everything queued; returns every finding of the
    /// connection (blocks until the queue is drained: call it off the event loop).
    func finish() -> [Finding] {
        queue.sync {
            drain(delayed: false)
            if pending.withLockedValue({ !$0.stopped }) {
                report(validator.finish())
            }
            return findings
        }
    }

    /// The session's aggregates (responses, latency percentiles, cost) so far.
    var summary: String? {
        queue.sync {
            drain(delayed: false)
            return session.current.summaryLine(prices: prices)
        }
    }

    private func analyse(_ frame: RecordedFrame) {
        if partStarts.last?.path != frame.location.path || partStarts.isEmpty {
            partStarts.append((frame.seq, frame.location.path))
        }
        var object: JSONValue?
        if frame.opcode == .text {
            frame.payload.withUnsafeBytes { payload in
                // The writer already validated an embedded payload; scan only what it did not embed.
                if frame.embeddedJSON || scanner.scan(payload) == nil {
                    object = JSONTape.parse(payload, reusing: &tape)
                }
            }
        }
        var event = ValidatorEvent(
            line: frame.location.line, index: frame.seq, tUs: frame.tUs, direction: frame.direction,
            opcode: frame.opcode, object: object)
        if frame.opcode == .error { event.note = String(decoding: frame.payload, as: UTF8.self) }
        let found = validator.consume(event)
        session.consume(event)
        let turn = session.finishedResponse.map { session.current.turnLine(response: $0, prices: prices) }
        if observeFrames {
            let summary = ObservedFrame.summary(
                opcode: frame.opcode, object: object, closeCode: frame.closeCode, payload: frame.payload)
            observe(
                .frame(
                    ObservedFrame(
                        conn: conn, seq: frame.seq, tUs: frame.tUs, direction: frame.direction, opcode: frame.opcode,
                        type: object?["type"]?.string, summary: summary, bytes: frame.payload.count)))
        }
        report(found)
        if let turn { observe(.turn(conn: conn, line: turn)) }
    }

    private func report(_ found: [Finding]) {
        findings += found
        for finding in found { observe(.finding(conn: conn, finding, file: file(of: finding))) }
    }

    /// The part holding the finding's frame (the first part for a finding about the whole session).
    private func file(of finding: Finding) -> String? {
        guard finding.eventIndex > 0 else { return partStarts.first?.path }
        return partStarts.last { $0.seq <= finding.eventIndex }?.path ?? partStarts.first?.path
    }
}
