import NIOCore
import NIOWebSocket
import RealtimeProtocol
import RealtimeRecording
import RealtimeWire

/// Relays frames between a client connection and its upstream connection on the one event loop
/// both channels share, recording each frame before it is forwarded.
///
/// The channels carry bytes, not NIO's frames: each side's `RelayHandler` cuts what it reads into
/// whole frames (`WireFrameDecoder`) and the relay forwards each frame's bytes, so a frame is never
/// decoded into an object and encoded again on its way (docs/performance.md measures what that
/// took off the added latency).
///
/// Invariants:
/// - Every frame read from one side is recorded, then written to the other side unchanged (opcode,
///   fin, rsv bits, payload): the upstream's frames byte for byte, a client's masked again with a
///   fresh key (the upstream only ever gets masked frames, the client unmasked ones). The fragments
///   of a fragmented message are forwarded as they come and recorded as one line with the last
///   (see `ConnectionRecorder`).
/// - A frame over `maxFrameSize` is not forwarded: its sender gets close 1009 and is closed; the
///   recording gets an `error` line saying so (which `validate` reports as `transport-error`) and
///   the proxy's 1009 close frames, and the other side gets close 1009 too.
/// - Frames are handled a read burst at a time: each is recorded as it is decoded (its line held in
///   memory) and queued; at the end of the burst the held lines are written (one `write(2)`), and
///   only then are the queued frames handed to the other side and flushed. So nothing is forwarded
///   before its line is in the file, and a burst costs one file write and one socket write. Then
///   the burst's frames go to the live analysis (validation, console), off the event loop.
/// - A frame that cannot be recorded is not forwarded: both connections close and the failure is reported.
/// - Backpressure: a side is not read while the other side cannot take more writes.
/// - Close: a close frame is forwarded once to each side. When both sides have sent one and received
///   one, both connections close; otherwise they close `closeGrace` after the first. A side that
///   drops without completing a close handshake takes the other down with it (a mirror: nothing is
///   synthesised); one that leaves after its handshake lets the other side answer its close first.
/// - What the upstream sends before the client's upgrade completes is held (and the upstream not read
///   further) until `start` attaches the client; then it is recorded and forwarded first.
///
/// The decisions are `RelayCore`'s (sans-I/O, tested in memory); this class feeds it the channels'
/// events and carries out the actions it returns. Confined to `eventLoop`: every method runs on it
/// (`ConnectionControl` hops there).
final class RelaySession: @unchecked Sendable {
    typealias Side = RelayCore<WireFrame>.Side

    enum Failure: Error, CustomStringConvertible {
        case differentEventLoops
        var description: String { "the client and upstream connections are not on the same event loop" }
    }

    let eventLoop: any EventLoop
    let upstreamChannel: any Channel
    private var handlers: [RelayHandler?] = [nil, nil]
    private var recorder: ConnectionRecorder?
    /// Every decision: parking, the burst's outbox, close handshakes, the grace timer, the end.
    private var core = RelayCore<WireFrame>()
    /// The outbox storage `readComplete` swaps into the core for the next burst (always empty here).
    private var spareBurst: [(to: Side, frame: WireFrame)] = []
    /// Where a masked payload is unmasked for the recording (reused frame after frame).
    private var scratch = ByteBuffer()
    /// Keys for the frames this proxy masks itself (its close frames to the upstream, re-encoded frames).
    private var keys = MaskingKeys()
    private var grace: Scheduled<Void>?
    private let closeGrace: TimeAmount
    private let maxFrameSize: Int

    private init(upstream: any Channel, closeGrace: TimeAmount, maxFrameSize: Int) {
        eventLoop = upstream.eventLoop
        upstreamChannel = upstream
        self.closeGrace = closeGrace
        self.maxFrameSize = maxFrameSize
    }

    /// Installs the upstream half on a just-upgraded upstream channel (on its event loop).
    static func attach(
        upstream channel: any Channel, closeGrace: TimeAmount, maxFrameSize: Int = RealtimeProxy.maxFrameSize
    ) throws -> RelaySession {
        let session = RelaySession(upstream: channel, closeGrace: closeGrace, maxFrameSize: maxFrameSize)
        let handler = RelayHandler(side: .upstream, session: session, maxFrameSize: maxFrameSize)
        session.handlers[Side.upstream.rawValue] = handler
        try channel.pipeline.syncOperations.addHandler(handler)
        channel.closeFuture.whenComplete { _ in
            // A client that never came (it left during the upgrade): break the session–handler cycle here.
            if session.handlers[Side.client.rawValue] == nil { session.handlers[Side.upstream.rawValue] = nil }
        }
        return session
    }

    /// Installs the client half and starts relaying; the future completes when both connections are closed.
    /// - Throws: when the client's channel is on another event loop or its pipeline refuses the handler.
    func start(client channel: any Channel, recorder: ConnectionRecorder) throws -> EventLoopFuture<Void> {
        guard channel.eventLoop === eventLoop, eventLoop.inEventLoop else { throw Failure.differentEventLoops }
        self.recorder = recorder
        recorder.holdLines()
        let handler = RelayHandler(side: .client, session: self, maxFrameSize: maxFrameSize)
        try channel.pipeline.syncOperations.addHandler(handler)
        handlers[Side.client.rawValue] = handler
        for frame in core.attach() where !core.ended { relay(frame, from: .upstream) }
        run(core.attachDone())
        return channel.closeFuture.and(upstreamChannel.closeFuture).map { [self] _ in
            handlers = [nil, nil]  // the handlers hold the session: break the cycle once both are closed
        }
    }

    // MARK: Events from the handlers

    func received(_ frame: WireFrame, on side: Side) {
        switch core.admit(from: side) {
        case .drop: return
        case .park: core.park(frame)  // only the upstream can be read before the client is attached
        case .record: relay(frame, from: side)
        }
    }

    /// The end of a read burst on either side: what it recorded goes out now (`core.takeBurst`, the
    /// same decision as `core.readComplete()`, with the burst's array reused rather than allocated).
    func readComplete() {
        var frames = spareBurst
        spareBurst = []  // `frames` is the only reference, so emptying it below keeps its storage
        core.takeBurst(swappingWith: &frames)
        if frames.isEmpty {
            recorder?.publish()
        } else {
            send(frames)
            frames.removeAll(keepingCapacity: frames.capacity <= 1024)
        }
        spareBurst = frames
    }

    /// Whether `side` may be read now: not before the client is attached, and not while the other side is full.
    func mayRead(_ side: Side) -> Bool {
        guard let peer = handlers[side.other.rawValue]?.context else { return false }
        return peer.channel.isWritable
    }

    func writabilityChanged(on side: Side) {
        if handlers[side.rawValue]?.context?.channel.isWritable == true { resumeReads(of: side.other) }
    }

    func inactive(_ side: Side) { run(core.inactive(side)) }

    /// An error on `side`'s channel ends the session.
    func failed(_ error: any Error, on side: Side) { run(core.failed()) }

    /// Records that `side` sent a frame over the limit, answers it with close 1009 and closes it, and
    /// sends close 1009 to the other side.
    func tooLarge(from side: Side) {
        run(core.tooLarge(from: side))
        guard let context = handlers[side.rawValue]?.context else { return }
        let close = closeFrame(code: 1009, reason: "", to: side)
        context.writeAndFlush(NIOAny(close.bytes)).whenComplete { _ in context.close(promise: nil) }
    }

    /// Sends a close frame with `code` to each side that has not had one (recorded as the proxy's own).
    func shutdown(code: UInt16, reason: String) { run(core.shutdown(code: code, reason: reason)) }

    // MARK: Carrying out the core's actions

    /// Records `frame` (its line held until the burst is sent) and tells the core.
    private func relay(_ frame: WireFrame, from side: Side) {
        guard let recorder else { return }
        let payload = frame.unmaskedPayload(scratch: &scratch)
        do {
            try recorder.record(
                opcode: frame.webSocketOpcode, fin: frame.fin, unmasked: payload, direction(from: side))
        } catch {
            // Never forward what could not be recorded: end the connection and say why.
            run(core.recordingFailed(error))
            return
        }
        // The upstream's frames go on as they came. A client's frames get a fresh masking key (RFC
        // 6455 §10.3: a client must not choose the bytes on the wire); a masked upstream frame (a
        // protocol error) goes to the client unmasked.
        let out =
            side == .client
            ? frame.remasked(with: keys.word(), allocator: upstreamChannel.allocator)
            : frame.maskWord == nil
                ? frame
                : WireFrame.make(
                    fin: frame.fin, rsv: frame.rsv, opcode: frame.opcode, payload: payload, maskWord: nil,
                    allocator: upstreamChannel.allocator)
        run(
            core.recorded(
                out, from: side, isClose: frame.webSocketOpcode == .connectionClose, bytes: frame.payloadLength))
    }

    private func run(_ actions: [RelayCore<WireFrame>.Action]) {
        for action in actions { perform(action) }
    }

    private func perform(_ action: RelayCore<WireFrame>.Action) {
        switch action {
        case .send(let frames): send(frames)
        case .publish: recorder?.publish()
        case .sendClose(let code, let reason, let to): sendClose(code: code, reason: reason, to: to)
        case .recordTooLarge(let side):
            let sender = side == .client ? "client" : "upstream"
            let text =
                "rtscope record: a frame from the \(sender) is larger than the \(maxFrameSize)-byte limit "
                + "(--max-frame-size); it was not forwarded, and the connection was closed with 1009"
            try? recorder?.record(opcode: .error, payload: Array(text.utf8), direction(from: side))
        case .recordLimitClose(let side):
            try? recorder?.record(opcode: .close, payload: [], closeCode: 1009, direction(from: side.other))
        case .flushRecording:
            try? recorder?.flush()
            recorder?.publish()
        case .reportFailure(let error): recorder?.fail(error)
        case .startGraceTimer:
            grace = eventLoop.scheduleTask(in: closeGrace) { [self] in run(core.graceExpired()) }
        case .cancelGraceTimer:
            grace?.cancel()
            grace = nil
        case .closeAll:
            for handler in handlers { handler?.context?.close(promise: nil) }
            if handlers[Side.client.rawValue] == nil { upstreamChannel.close(promise: nil) }
        case .resumeReads(let side): resumeReads(of: side)
        }
    }

    /// The direction of frames read from `side`.
    private func direction(from side: Side) -> Direction { side == .client ? .clientToServer : .serverToClient }

    /// Writes the burst's held lines to the recording, then hands its frames on and flushes.
    private func send(_ frames: [(to: Side, frame: WireFrame)]) {
        guard let recorder else { return }
        do {
            try recorder.flush()
        } catch {
            run(core.recordingFailed(error))  // not in the file, so not forwarded
            return
        }
        var (toClient, toUpstream) = (false, false)
        for (to, frame) in frames {
            guard let context = handlers[to.rawValue]?.context else { continue }
            context.write(NIOAny(frame.bytes), promise: nil)
            if to == .client { toClient = true } else { toUpstream = true }
        }
        if toClient { handlers[Side.client.rawValue]?.context?.flush() }
        if toUpstream { handlers[Side.upstream.rawValue]?.context?.flush() }
        recorder.publish()  // validation and console run now, off the event loop, with the frames on their way
    }

    /// The proxy's own close frame to `to`, recorded (the recording shows who ended the session) and sent.
    private func sendClose(code: UInt16, reason: String, to side: Side) {
        guard let context = handlers[side.rawValue]?.context else { return }
        try? recorder?.record(
            opcode: .close, payload: Array(reason.utf8), closeCode: Int(code), direction(from: side.other))
        context.writeAndFlush(NIOAny(closeFrame(code: code, reason: reason, to: side).bytes), promise: nil)
    }

    /// A close frame from the proxy to `side` (masked towards the upstream, as a client must).
    private func closeFrame(code: UInt16, reason: String, to side: Side) -> WireFrame {
        var payload = upstreamChannel.allocator.buffer(capacity: 2 + reason.utf8.count)
        payload.writeInteger(code)
        payload.writeString(reason)
        return WireFrame.make(
            opcode: UInt8(webSocketOpcode: .connectionClose), payload: payload,
            maskWord: side == .upstream ? keys.word() : nil,
            allocator: upstreamChannel.allocator)
    }

    private func resumeReads(of side: Side) {
        guard let handler = handlers[side.rawValue], handler.readHeld, let context = handler.context else { return }
        handler.readHeld = false
        context.read()
    }
}

/// One side of a `RelaySession`: cuts what the side sends into frames for the session, writes the
/// bytes the session sends it, and holds reads when told to.
///
/// After a frame over `maxFrameSize` it reads nothing more (the session answers with 1009 and closes the side).
final class RelayHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let side: RelaySession.Side
    let session: RelaySession
    private(set) var context: ChannelHandlerContext?
    /// A read was asked for while the other side could not take more.
    var readHeld = false
    private var decoder: WireFrameDecoder

    init(side: RelaySession.Side, session: RelaySession, maxFrameSize: Int) {
        self.side = side
        self.session = session
        decoder = WireFrameDecoder(maxFrameSize: maxFrameSize)
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !decoder.refused else { return }
        let withinLimit = decoder.read(unwrapInboundIn(data)) { session.received($0, on: side) }
        if !withinLimit { session.tooLarge(from: side) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        session.readComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        session.writabilityChanged(on: side)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        session.inactive(side)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        session.failed(error, on: side)
    }

    func read(context: ChannelHandlerContext) {
        if session.mayRead(side) && !decoder.refused {
            context.read()
        } else {
            readHeld = true
        }
    }
}

@available(*, unavailable)
extension RelayHandler: Sendable {}

/// Lets the server close a live connection on shutdown (close frames to both sides).
public final class ConnectionControl: Sendable {
    private let session: RelaySession

    init(session: RelaySession) { self.session = session }

    /// Sends a close frame with `code` to both sides (the relay then ends as for any close).
    public func close(code: UInt16 = 1001, reason: String = "rtscope is shutting down") async {
        let session = session
        try? await session.eventLoop.submit { session.shutdown(code: code, reason: reason) }.get()
    }
}

extension WireFrame {
    /// The frame's opcode as NIO names it.
    var webSocketOpcode: WebSocketOpcode { WebSocketOpcode(encodedWebSocketOpcode: opcode) ?? .binary }
}
