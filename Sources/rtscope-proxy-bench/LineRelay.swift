import Foundation
import NIOCore
import NIOPosix
import RealtimeProtocol
import RealtimeRecording

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
/// frames are not checked beyond their header, one connection's lines share one file, and a
/// frame's bytes wait until the whole frame is in (a frame over 16 MiB closes the connection).
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
        let args = CommandLine.arguments
        guard args.count == 5, args[1] == childFlag, let upstream = Int(args[2]), let port = Int(args[3]) else {
            return
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let recordings = args[4]
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
    private var held: ByteBuffer?
    private var scratch: [UInt8] = []

    init(recording: SharedRecording, direction: Direction, peer: any Channel) {
        self.recording = recording
        self.direction = direction
        self.peer = peer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if var earlier = held {
            earlier.writeBuffer(&bytes)
            bytes = earlier
            held = nil
        }
        var ready = 0  // bytes from the reader index on that may be forwarded now
        if !upgraded {
            guard let end = bytes.readableBytesView.firstRange(of: [13, 10, 13, 10]) else {
                held = bytes
                return
            }
            ready = end.upperBound - bytes.readerIndex
            upgraded = true
        }
        while let length = frameLength(bytes, at: bytes.readerIndex + ready) {
            guard length <= 16 << 20 else {
                context.close(promise: nil)
                return
            }
            record(bytes, at: bytes.readerIndex + ready)
            ready += length
        }
        do { try recording.writer.flush() } catch {
            context.close(promise: nil)
            return
        }
        if ready > 0, let out = bytes.getSlice(at: bytes.readerIndex, length: ready) {
            peer.writeAndFlush(out, promise: nil)
        }
        if ready < bytes.readableBytes {
            held = bytes.getSlice(at: bytes.readerIndex + ready, length: bytes.readableBytes - ready)
        }
    }

    /// The whole length of the frame starting at `index`, when all of it has arrived.
    private func frameLength(_ bytes: ByteBuffer, at index: Int) -> Int? {
        let available = bytes.writerIndex - index
        guard available >= 2, let b1 = bytes.getInteger(at: index + 1, as: UInt8.self) else { return nil }
        var header = 2 + (b1 & 0x80 != 0 ? 4 : 0)
        var payload = Int(b1 & 0x7F)
        if payload == 126 {
            guard available >= 4, let n = bytes.getInteger(at: index + 2, as: UInt16.self) else { return nil }
            payload = Int(n)
            header += 2
        } else if payload == 127 {
            guard available >= 10, let n = bytes.getInteger(at: index + 2, as: UInt64.self), n < 1 << 40 else {
                return nil
            }
            payload = Int(n)
            header += 8
        }
        return available >= header + payload ? header + payload : nil
    }

    /// Writes the line of the whole frame at `index` (held until the flush before forwarding).
    private func record(_ bytes: ByteBuffer, at index: Int) {
        guard let b0 = bytes.getInteger(at: index, as: UInt8.self),
            let b1 = bytes.getInteger(at: index + 1, as: UInt8.self)
        else { return }
        var offset = 2
        var payload = Int(b1 & 0x7F)
        if payload == 126 {
            payload = Int(bytes.getInteger(at: index + 2, as: UInt16.self) ?? 0)
            offset += 2
        } else if payload == 127 {
            payload = Int(bytes.getInteger(at: index + 2, as: UInt64.self) ?? 0)
            offset += 8
        }
        var mask: [UInt8] = []
        if b1 & 0x80 != 0 {
            mask = bytes.getBytes(at: index + offset, length: 4) ?? [0, 0, 0, 0]
            offset += 4
        }
        let opcode: Opcode =
            switch b0 & 0x0F {
            case 0: .cont
            case 1: .text
            case 8: .close
            case 9: .ping
            case 10: .pong
            default: .binary
            }
        recording.seq += 1
        let frame = Frame(
            seq: recording.seq, tUs: Int64((DispatchTime.now().uptimeNanoseconds - recording.start) / 1000),
            wall: RecordingFormat.wallClock(Date()), conn: "line-relay", direction: direction, opcode: opcode,
            fin: b0 & 0x80 != 0, payload: [])
        bytes.withUnsafeReadableBytes { raw in
            let start = index + offset - bytes.readerIndex
            let body = UnsafeRawBufferPointer(rebasing: raw[start..<(start + payload)])
            if mask.isEmpty {
                try? recording.writer.append(frame, payload: body)
            } else {
                scratch.removeAll(keepingCapacity: true)
                scratch.append(contentsOf: body)
                for i in scratch.indices { scratch[i] ^= mask[i & 3] }
                scratch.withUnsafeBytes { try? recording.writer.append(frame, payload: $0) }
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        try? recording.writer.flush()
        peer.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}
