import Foundation
import NIOCore
import NIOPosix

/// A bare NIO TCP relay that writes every chunk it reads to a file, then forwards it: the floor for
/// a recorder built on NIO, measured beside `socat -r` in the latency rounds.
///
/// It is `rtscope record` with everything but the event loop and the file taken away: no WebSocket
/// framing, no JSONL line, no live analysis; one event loop thread, `TCP_NODELAY` on both sides, one
/// `write(2)` to the file per read, then the same bytes to the other socket. So "rtscope − NIO
/// relay -w" is what rtscope's own work per frame adds, and "mitmdump / NIO relay -w" is the best
/// ratio a recorder on NIO could show in the same rounds.
///
/// It runs as a child process (this binary with `--nio-relay-child`), so it does not share the
/// bench's event loops with the client and the upstream (`ChildRelay` stops it). Limits: one
/// connection's two directions share one dump file; when the file cannot be opened the relay exits
/// (and its column is left out), but a later write that fails is ignored (the figure is the latency).
enum NIORelay {
    static let childFlag = "--nio-relay-child"

    /// Starts the relay in front of `upstreamPort`, dumping into `dump`; nil when its port never opens (5 s).
    static func start(upstreamPort: Int, dump: String) -> ChildRelay? {
        let port = Int.random(in: 64_001...65_000)
        return ChildRelay.start(
            executable: ProxyBench.ownExecutable, arguments: [childFlag, "\(upstreamPort)", "\(port)", dump], port: port
        )
    }

    /// In the child (`CommandLine.arguments` is `[path, childFlag, UPSTREAM_PORT, PORT, DUMP]`):
    /// relays until killed; returns only when the arguments are not the child's or it cannot listen.
    static func runChildIfAsked() {
        guard let (upstream, port, dump) = ChildRelay.childArguments(childFlag) else { return }
        let file = open(dump, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o600)
        guard file >= 0 else { exit(1) }  // a floor that writes nothing would not be the floor: no column then
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { inbound in
                // The upstream connection first, so each side's handler knows its peer before any read.
                let toClient = DumpAndForward(file: file, peer: inbound)
                return ClientBootstrap(group: inbound.eventLoop)
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .channelInitializer { $0.pipeline.addHandler(toClient) }
                    .connect(host: "127.0.0.1", port: upstream)
                    .flatMap { inbound.pipeline.addHandler(DumpAndForward(file: file, peer: $0)) }
            }
        guard let server = try? bootstrap.bind(host: "127.0.0.1", port: port).wait() else {
            FileHandle.standardError.write(
                Data("rtscope-proxy-bench: the NIO relay could not listen on \(port).\n".utf8))
            exit(1)
        }
        try? server.closeFuture.wait()
        exit(0)
    }
}

/// Writes what one side sends to the dump file, then to the other side; closes the other side when this one closes.
private final class DumpAndForward: ChannelInboundHandler, @unchecked Sendable {  // confined to one event loop
    typealias InboundIn = ByteBuffer
    let file: Int32
    let peer: any Channel

    init(file: Int32, peer: any Channel) {
        self.file = file
        self.peer = peer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        bytes.withUnsafeReadableBytes { _ = write(file, $0.baseAddress, $0.count) }
        peer.writeAndFlush(bytes, promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        peer.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}
