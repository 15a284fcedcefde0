import Foundation
import NIOCore
import NIOPosix
import RealtimeProtocol
import RealtimeProxy
import RealtimeRecording
import RealtimeWire

/// A NIO relay that does the forwarding-path work of a WebSocket recorder on raw bytes, and nothing else.
///
/// It finds each whole WebSocket frame in what it reads, writes the frame's recording line
/// (rtscope's own `RecordingWriter`, payload unmasked), and forwards the frame's bytes unchanged (a
/// client's frames keep their mask). No frame codec objects, no re-masking, no live analysis.
///
/// So "rtscope − WS line relay" is what rtscope's WebSocket pipeline and live hand-off add beyond
/// that work, and "mitmdump / WS line relay" the best ratio a recorder that writes rtscope's lines
/// before forwarding could show in the same rounds.
///
/// It runs as a child process (this binary with `--line-relay-child`). Limits: a measurement tool, not a
/// proxy: the HTTP upgrade passes through unparsed (everything up to the first blank line each way),
/// frames are cut with the relay's own `WireFrameDecoder` and not checked beyond their header, one
/// connection's lines share one file, and a frame's bytes wait until the whole frame is in (a frame
/// over 16 MiB closes the connection).
enum LineRelay {
    static let childFlag = "--line-relay-child"

    /// Starts the relay in front of `upstreamPort`, recording into `path`; nil when its port never opens (5 s).
    static func start(upstreamPort: Int, path: String) -> ChildRelay? {
        let port = Int.random(in: 63_001...64_000)
        return ChildRelay.start(
            executable: ProxyBench.ownExecutable, arguments: [childFlag, "\(upstreamPort)", "\(port)", path], port: port
        )
    }

    /// In the child (`[path, childFlag, UPSTREAM_PORT, PORT, RECORDING]`): relays until killed;
    /// returns only when the arguments are not the child's.
    static func runChildIfAsked() {
        guard let (upstream, port, recordings) = ChildRelay.childArguments(childFlag) else { return }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let counter = NIOLockedCounter()
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { inbound in
                let header = RecordingHeader(created: RecordingFormat.wallClock(Date()), source: "line-relay")
                guard let writer = try? RecordingWriter(path: "\(recordings).\(counter.next())", header: header) else {
                    return inbound.eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel)
                }
                writer.holdsLines = true
                let shared = SharedRecording(writer: writer)
                let toClient = LineAndForward(recording: shared, direction: .serverToClient, peer: inbound)
                return ClientBootstrap(group: inbound.eventLoop)
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .channelInitializer { $0.pipeline.addHandler(toClient) }
                    .connect(host: "127.0.0.1", port: upstream)
                    .flatMap {
                        inbound.pipeline.addHandler(
                            LineAndForward(recording: shared, direction: .clientToServer, peer: $0))
                    }
            }
        guard let server = try? bootstrap.bind(host: "127.0.0.1", port: port).wait() else { exit(1) }
        try? server.closeFuture.wait()
        exit(0)
    }
}

/// A connection number for each recording file.
private final class NIOLockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}

/// One connection's recording, shared by its two directions (both on one event loop).
private final class SharedRecording: @unchecked Sendable {
    let writer: RecordingWriter
    var seq = 0
    let start = DispatchTime.now().uptimeNanoseconds
    init(writer: RecordingWriter) { self.writer = writer }
}

/// One direction: passes the upgrade exchange through, then records each whole frame and forwards its bytes.
private final class LineAndForward: ChannelInboundHandler, @unchecked Sendable {  // confined to one event loop
    typealias InboundIn = ByteBuffer
    let recording: SharedRecording
    let direction: Direction
    let peer: any Channel
    private var upgraded = false
    /// The upgrade exchange read so far (until its blank line), then nil.
    private var upgrade: ByteBuffer? = ByteBuffer()
    private var frames = WireFrameDecoder(maxFrameSize: 16 << 20)
    private var scratch = ByteBuffer()

    init(recording: SharedRecording, direction: Direction, peer: any Channel) {
        self.recording = recording
        self.direction = direction
        self.peer = peer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if var head = upgrade {
            upgrade = nil
            head.writeBuffer(&bytes)
            guard let end = head.readableBytesView.firstRange(of: [13, 10, 13, 10]) else {
                upgrade = head
                return
            }
            let length = end.upperBound - head.readerIndex
            if let exchange = head.readSlice(length: length) { peer.writeAndFlush(exchange, promise: nil) }
            bytes = head
        }
        var out: [ByteBuffer] = []
        let withinLimit = frames.read(bytes) { frame in
            record(frame)
            out.append(frame.bytes)
        }
        guard withinLimit else {
            context.close(promise: nil)
            return
        }
        do { try recording.writer.flush() } catch {
            context.close(promise: nil)
            return
        }
        for frame in out { peer.write(frame, promise: nil) }
        if !out.isEmpty { peer.flush() }
    }

    /// Writes the frame's line (held until the flush before forwarding).
    private func record(_ wire: WireFrame) {
        recording.seq += 1
        let frame = Frame(
            seq: recording.seq, tUs: Int64((DispatchTime.now().uptimeNanoseconds - recording.start) / 1000),
            wall: RecordingFormat.wallClock(Date()), conn: "line-relay", direction: direction,
            opcode: wire.recordingOpcode,
            fin: wire.fin, payload: [])
        let payload = wire.unmaskedPayload(scratch: &scratch)
        payload.withUnsafeReadableBytes { try? recording.writer.append(frame, payload: $0) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        try? recording.writer.flush()
        peer.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}
