/// The relay's decisions, without I/O.
///
/// Which frames are parked, forwarded or dropped, when the recording is flushed, when close frames
/// go out, when the grace timer starts and when both connections close. `RelaySession` feeds it what happens on the channels and carries out the
/// actions it returns; tests drive it in memory (`RelayCoreTests`).
///
/// Invariants (the relay's, see `RelaySession`):
/// - A frame is forwarded only after `recorded` says its line is recorded, and only by a `.send`
///   action, which the driver carries out by flushing the recording first (a failed flush feeds
///   `recordingFailed` and the frames are not forwarded).
/// - Before `attached()`, frames are parked (only the upstream can be read then); they are recorded
///   and forwarded first when the client is attached.
/// - A close frame is forwarded at most once to each side. When both sides have sent and received
///   one, `.closeAll`; otherwise the grace timer starts at the first (`graceExpired` then closes).
/// - After the session ended, every input returns no action.
///
/// `Frame` is the driver's frame type (`WireFrame` in the relay, anything in tests).
struct RelayCore<Frame> {
    enum Side: Int, Sendable {
        case client = 0, upstream = 1

        var other: Side { self == .client ? .upstream : .client }
    }

    enum Action {
        /// Flush the recording, then write `frames` to their sides, flush the sides written, and
        /// hand the recorded frames to the live analysis. A failed flush: feed `recordingFailed`.
        case send([(to: Side, frame: Frame)])
        /// Hand recorded frames to the live analysis (nothing to forward).
        case publish
        /// Record the proxy's own close frame to `to` (as travelling from `to.other`) and send it.
        case sendClose(code: UInt16, reason: String, to: Side)
        /// Record that a frame from `from` was over the size limit (an `error` line).
        case recordTooLarge(from: Side)
        /// Record the close 1009 that the relay sends to `to`, the side whose frame was over the limit.
        case recordLimitClose(to: Side)
        /// Write the held lines (after proxy-generated records) and publish them.
        case flushRecording
        /// Report that the recording could not be written.
        case reportFailure(any Error)
        case startGraceTimer
        case cancelGraceTimer
        /// Close both connections (the upstream alone when no client was attached).
        case closeAll
        /// Let `side` be read again (when a read was held).
        case resumeReads(Side)
    }

    /// What to do with a frame just read.
    enum Admission: Equatable {
        /// Record it, then call `recorded`.
        case record
        /// Kept until the client is attached (call `park`).
        case park
        /// The session is over: drop it.
        case drop
    }

    /// Frames this large are forwarded as soon as they are recorded, not at the end of the burst.
    let sendAtOnce: Int

    private(set) var attachedClient = false
    private(set) var ended = false
    private var parked: [Frame] = []
    /// Recorded frames waiting for the end of the read burst, with the side each goes to.
    private var outbox: [(to: Side, frame: Frame)] = []
    private(set) var closeSent = [false, false]
    private(set) var closeReceived = [false, false]
    private var inactive = [false, false]
    private var graceRunning = false

    init(sendAtOnce: Int = 16 << 10) { self.sendAtOnce = sendAtOnce }

    // MARK: Inputs

    /// A frame was read from `side`: whether to record it, park it or drop it.
    func admit(from side: Side) -> Admission {
        if ended { return .drop }
        return attachedClient ? .record : .park
    }

    /// Keeps a frame read before the client is attached.
    mutating func park(_ frame: Frame) { parked.append(frame) }

    /// The client is attached: the parked frames are handed back to be recorded and `recorded` in
    /// order, then `attachDone()` is called.
    mutating func attach() -> [Frame] {
        attachedClient = true
        defer { parked = [] }
        return parked
    }

    /// After the parked frames: send them, then end if the upstream already left, else read it.
    mutating func attachDone() -> [Action] {
        var actions = sendBurst()
        actions += inactive[Side.upstream.rawValue] ? end() : [.resumeReads(.upstream)]
        return actions
    }

    /// `frame` from `side` is recorded (its line held): queue it for the other side.
    mutating func recorded(_ frame: Frame, from side: Side, isClose: Bool, bytes: Int) -> [Action] {
        guard !ended else { return [] }
        let to = side.other
        if isClose {
            closeReceived[side.rawValue] = true
            if closeSent[to.rawValue] { return closing() }  // the other side already has one (the proxy's)
            closeSent[to.rawValue] = true
        }
        outbox.append((to, frame))
        var actions: [Action] = []
        // A large frame goes at once: holding it would pin the decoder's read buffer.
        if bytes >= sendAtOnce { actions += sendBurst() }
        if isClose { actions += closing() }
        return actions
    }

    /// Recording failed: nothing held is forwarded, the failure is reported, the session ends.
    mutating func recordingFailed(_ error: any Error) -> [Action] {
        outbox = []
        guard !ended else { return [.reportFailure(error)] }
        return [.reportFailure(error)] + end()
    }

    /// The end of a read burst on either side.
    mutating func readComplete() -> [Action] { sendBurst() }

    /// The end of a read burst, as `readComplete()` but without an action array.
    ///
    /// `spare` (which must be empty) takes the outbox's place, and the burst's frames come back in
    /// `spare`: no frames means `.publish`, frames mean `.send(spare)`. The driver empties `spare` keeping its storage and
    /// passes it again, so a burst allocates nothing (this runs once per forwarded frame with one
    /// frame in flight).
    mutating func takeBurst(swappingWith spare: inout [(to: Side, frame: Frame)]) {
        precondition(spare.isEmpty, "takeBurst needs an empty spare outbox")
        swap(&outbox, &spare)
    }

    /// `side`'s connection closed.
    mutating func inactive(_ side: Side) -> [Action] {
        inactive[side.rawValue] = true
        guard attachedClient else { return [] }  // `attachDone` ends it
        // A side that leaves after its close handshake lets the other finish its own (or the grace run out).
        let handshakeDone = closeSent[side.rawValue] && closeReceived[side.rawValue]
        if handshakeDone && closeSent[side.other.rawValue] && !closeReceived[side.other.rawValue] { return [] }
        return end()
    }

    /// An error on a channel ends the session.
    mutating func failed() -> [Action] { end() }

    /// `side` sent a frame over the size limit (the relay answers it with 1009 and closes it).
    mutating func tooLarge(from side: Side) -> [Action] {
        guard !ended, attachedClient else { return [] }
        var actions: [Action] = [.recordTooLarge(from: side)]
        if !closeSent[side.rawValue] {
            closeSent[side.rawValue] = true  // the relay answers the sender with it (`RelaySession.tooLarge`)
            actions.append(.recordLimitClose(to: side))
        }
        actions += shutdown(code: 1009, reason: "message too big")
        actions.append(.flushRecording)
        return actions
    }

    /// Sends a close frame with `code` to each side that has not had one.
    mutating func shutdown(code: UInt16, reason: String) -> [Action] {
        guard !ended, attachedClient else { return [] }
        var actions: [Action] = []
        for side in [Side.client, .upstream] where !closeSent[side.rawValue] {
            closeSent[side.rawValue] = true
            actions.append(.sendClose(code: code, reason: reason, to: side))
        }
        return actions + closing()
    }

    /// The grace period after the first close frame ran out.
    mutating func graceExpired() -> [Action] {
        graceRunning = false
        return end()
    }

    // MARK: Decisions

    private mutating func sendBurst() -> [Action] {
        guard !outbox.isEmpty else { return [.publish] }
        defer { outbox = [] }
        return [.send(outbox)]
    }

    /// After a close frame: ends at once when the handshake is complete both ways, else starts the grace timer.
    private mutating func closing() -> [Action] {
        if closeSent == [true, true] && closeReceived == [true, true] { return end() }
        guard !graceRunning else { return [] }
        graceRunning = true
        return [.startGraceTimer]
    }

    /// Sends what the burst recorded and closes both connections (once).
    private mutating func end() -> [Action] {
        guard !ended else { return [] }
        ended = true
        var actions = sendBurst()  // what was recorded goes out before the connections close
        if graceRunning {
            graceRunning = false
            actions.append(.cancelGraceTimer)
        }
        actions.append(.closeAll)
        return actions
    }
}
