import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A stand-in OTLP/HTTP collector on loopback for the export comparison.
///
/// It reads each request whole, counts requests and body bytes, and answers `200` with an empty protobuf body, at once
/// or after `delay` (a slow collector). It decodes nothing: the bench measures what exporting costs
/// the proxy, not what is exported (`Tests/Interop/otlp.py` checks the content).
final class CollectorSink: @unchecked Sendable {
    let port: Int
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup
    private let counts: Counts

    /// Requests and body bytes received so far.
    var received: (requests: Int, bytes: Int) { counts.snapshot() }

    static func start(delay: TimeAmount) async throws -> CollectorSink {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let counts = Counts()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(delay: delay, counts: counts))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return CollectorSink(port: channel.localAddress?.port ?? 0, channel: channel, group: group, counts: counts)
    }

    private init(port: Int, channel: any Channel, group: MultiThreadedEventLoopGroup, counts: Counts) {
        self.port = port
        self.channel = channel
        self.group = group
        self.counts = counts
    }

    func stop() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }

    /// A port nothing listens on (bound, then closed at once): an unreachable collector.
    static func closedPort() throws -> Int {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let channel = try ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).wait()
        let port = channel.localAddress?.port ?? 9
        try channel.close().wait()
        return port
    }

    final class Counts: @unchecked Sendable {
        private let lock = NSLock()
        private var requests = 0
        private var bytes = 0

        func add(bytes more: Int) {
            lock.lock()
            bytes += more
            lock.unlock()
        }

        func addRequest() {
            lock.lock()
            requests += 1
            lock.unlock()
        }

        func snapshot() -> (requests: Int, bytes: Int) {
            lock.lock()
            defer { lock.unlock() }
            return (requests, bytes)
        }
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let delay: TimeAmount
        let counts: Counts

        init(delay: TimeAmount, counts: Counts) {
            self.delay = delay
            self.counts = counts
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head:
                break
            case .body(let buffer):
                counts.add(bytes: buffer.readableBytes)
            case .end:
                counts.addRequest()
                let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: delay) {
                    let context = loopBound.value
                    var head = HTTPResponseHead(version: .http1_1, status: .ok)
                    head.headers.add(name: "content-type", value: "application/x-protobuf")
                    head.headers.add(name: "content-length", value: "0")
                    context.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
                    context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: nil)
                }
            }
        }
    }
}
