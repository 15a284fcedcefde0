import NIOConcurrencyHelpers
public import NIOCore
public import NIOHTTP1
import NIOPosix
import NIOSSL
public import NIOWebSocket

/// A WebSocket frame channel (one iterator for its lifetime; the writer is Sendable).
public typealias WebSocketChannel = NIOAsyncChannel<WebSocketFrame, WebSocketFrame>

/// The default largest frame accepted in either direction, 16 MiB (Realtime audio events exceed
/// NIO's 16 KiB default); `ListenerLimits.maxFrameSize` and `record --max-frame-size` change it.
public let maxFrameSize = 1 << 24

/// Limits that keep a listener alive under idle, slow or too many clients.
///
/// A connection must finish its TLS handshake (with `--tls-cert`) and send its upgrade request
/// within `handshakeTimeout`, or it is closed; once upgraded it may stay idle for as long as it
/// likes (Realtime sessions do). At most `maxConnections` connections are open at once (sessions
/// included); a client over the limit gets HTTP 503 if it sends its request within a second, and
/// is closed either way; past `maxConnections + 64` connections are closed as soon as they are
/// accepted, so a flood cannot hold more descriptors than that. At the process's file limit a
/// `DescriptorGuard` closes new connections at once (until a second passes without EMFILE)
/// instead of letting the accept loop spin.
public struct ListenerLimits: Sendable {
    public var handshakeTimeout: Duration = .seconds(10)
    public var maxConnections = 512
    /// The largest WebSocket frame accepted (bigger ones get close 1009).
    public var maxFrameSize = RealtimeProxy.maxFrameSize

    public init() {}
}

/// Read buffers that grow to 1 MiB (NIO's default stops at 64 KiB), so a 100 KB audio frame
/// arrives in one or two reads rather than being reassembled from many.
let readBuffers = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: 1 << 20)

/// An HTTP upgrade request as the listener saw it.
public struct UpgradeRequest: Sendable {
    public let method: String
    /// Path and query, as sent.
    public let uri: String
    public let headers: HTTPHeaders
    /// The loop the client's connection runs on (an upstream opened on it can be relayed without hops).
    public let eventLoop: any EventLoop
}

/// What a service decides for an upgrade request.
public enum UpgradeDecision<Accepted: Sendable>: Sendable {
    /// Upgrade, adding `headers` (for example the chosen subprotocol) to the 101 response.
    case accept(Accepted, headers: HTTPHeaders)
    /// Answer with this HTTP response instead (status, headers and body passed through).
    case refuse(status: Int, headers: HTTPHeaders, body: [UInt8])
}

/// Listens for WebSocket clients and hands each accepted connection to a service.
///
/// The decision is made inside the upgrade (`decide` may connect upstream first), so a refusal
/// reaches the client as a plain HTTP response, never as an accepted socket that closes at once.
/// Requests that are not upgrades get 426 with a one-line hint. Frames up to `maxFrameSize`.
public struct WebSocketListener<Accepted: Sendable>: Sendable {
    public typealias Decide = @Sendable (UpgradeRequest) async -> UpgradeDecision<Accepted>
    public typealias Serve = @Sendable (WebSocketChannel, UpgradeRequest, Accepted) async -> Void
    /// Installs handlers on the upgraded channel; the future completes when the connection is over.
    ///
    /// It runs on the channel's event loop, before any frame is read. The channel has no WebSocket handlers: the
    /// handlers installed read and write the frames' bytes (`WireFrameDecoder`).
    public typealias TakeOver = @Sendable (any Channel, UpgradeRequest, Accepted) throws -> EventLoopFuture<Void>

    enum Outcome: Sendable {
        case upgraded(WebSocketChannel, UpgradeRequest, Accepted)
        case takenOver(EventLoopFuture<Void>)
        case plain(NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, UpgradeDecision<Accepted>?)
    }

    let channel: NIOAsyncChannel<EventLoopFuture<Outcome>, Never>

    /// The bound port (useful with port 0).
    public var port: Int { channel.channel.localAddress?.port ?? 0 }

    /// Binds `host:port`; with `tls`, clients connect with `wss://` (see `ListenerTLS`).
    /// - Throws: when the address cannot be bound or the certificate cannot be loaded.
    ///
    /// `abandon` gets an accepted decision whose client went away before the upgrade finished
    /// (so whatever `decide` opened for it, such as an upstream socket, can be closed). With
    /// `takeOver`, accepted connections are handed to it as channels instead of to `run`'s `serve`.
    /// `notice` hears of clients whose TLS handshake failed (one sentence each).
    public static func bind(
        host: String, port: Int, tls: ListenerTLS? = nil, limits: ListenerLimits = ListenerLimits(),
        notice: (@Sendable (String) -> Void)? = nil, abandon: (@Sendable (Accepted) -> Void)? = nil,
        takeOver: TakeOver? = nil, decide: @escaping Decide
    ) async throws -> WebSocketListener {
        let sslContext = try tls.map { try $0.makeContext() }
        let open = NIOLockedValueBox(0)
        DescriptorGuard.raiseFileLimit()
        let descriptors = DescriptorGuard(notice: notice)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { $0.pipeline.addHandler(descriptors) }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.recvAllocator, value: readBuffers)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandlers(
                            NIOSSLServerHandler(context: sslContext), TLSFailureReporter(notice))
                    }
                    let openNow = open.withLockedValue {
                        $0 += 1
                        return $0
                    }
                    channel.closeFuture.whenComplete { _ in open.withLockedValue { $0 -= 1 } }
                    let overLimit = openNow > limits.maxConnections
                    let decided = NIOLockedValueBox<(UpgradeRequest, UpgradeDecision<Accepted>)?>(nil)
                    // (handed over to a service, closed, abandoned): the client can leave before or after
                    // `decide` finishes, so both paths check whether an accepted decision is orphaned.
                    let progress = NIOLockedValueBox(
                        (requested: false, handedOver: false, closed: false, abandoned: false))
                    // No request (or no TLS handshake) within the limit: close. Upgraded sessions are never cut.
                    let shed = openNow > limits.maxConnections + 64 || descriptors.shedding.withLockedValue { $0 }
                    let timeout: Duration =
                        shed
                        ? .zero : overLimit ? min(limits.handshakeTimeout, .seconds(1)) : limits.handshakeTimeout
                    let timer = channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
                        if !progress.withLockedValue({ $0.requested }) { channel.close(promise: nil) }
                    }
                    @Sendable func abandonIfOrphaned() {
                        let orphan = progress.withLockedValue { state -> Accepted? in
                            guard state.closed, !state.handedOver, !state.abandoned,
                                let (_, decision) = decided.withLockedValue({ $0 }),
                                case .accept(let accepted, _) = decision
                            else { return nil }
                            state.abandoned = true
                            return accepted
                        }
                        if let orphan { abandon?(orphan) }
                    }
                    channel.closeFuture.whenComplete { _ in
                        timer.cancel()
                        progress.withLockedValue { $0.closed = true }
                        abandonIfOrphaned()
                    }
                    let shouldUpgrade: @Sendable (any Channel, HTTPRequestHead) -> EventLoopFuture<HTTPHeaders?> = {
                        channel, head in
                        progress.withLockedValue { $0.requested = true }
                        if overLimit {
                            let body =
                                "rtscope: too many connections (at most \(limits.maxConnections)); try again later.\n"
                            decided.withLockedValue {
                                $0 = (
                                    UpgradeRequest(
                                        method: "\(head.method)", uri: head.uri, headers: head.headers,
                                        eventLoop: channel.eventLoop),
                                    .refuse(
                                        status: 503,
                                        headers: HTTPHeaders([("Content-Type", "text/plain"), ("Retry-After", "1")]
                                        ),
                                        body: Array(body.utf8))
                                )
                            }
                            return channel.eventLoop.makeSucceededFuture(nil)
                        }
                        let request = UpgradeRequest(
                            method: "\(head.method)", uri: head.uri, headers: head.headers,
                            eventLoop: channel.eventLoop)
                        return channel.eventLoop.makeFutureWithTask {
                            let decision = await decide(request)
                            decided.withLockedValue { $0 = (request, decision) }
                            abandonIfOrphaned()  // the client may have gone while we waited
                            if case .accept(_, let headers) = decision { return headers }
                            return nil
                        }
                    }
                    let installOnUpgrade: @Sendable (any Channel, HTTPRequestHead) -> EventLoopFuture<Outcome> = {
                        channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            guard let (request, decision) = decided.withLockedValue({ $0 }),
                                case .accept(let accepted, _) = decision
                            else { throw ChannelError.inappropriateOperationForState }
                            if let takeOver {
                                let done = try takeOver(channel, request, accepted)
                                progress.withLockedValue { $0.handedOver = true }
                                return Outcome.takenOver(done)
                            }
                            let ws = try WebSocketChannel(wrappingChannelSynchronously: channel)
                            progress.withLockedValue { $0.handedOver = true }
                            return Outcome.upgraded(ws, request, accepted)
                        }
                    }
                    // A channel taken over gets no WebSocket handlers: the relay reads the frames' bytes itself.
                    let upgrader: any NIOTypedHTTPServerProtocolUpgrader<Outcome> =
                        takeOver == nil
                        ? NIOTypedWebSocketServerUpgrader<Outcome>(
                            maxFrameSize: limits.maxFrameSize, shouldUpgrade: shouldUpgrade,
                            upgradePipelineHandler: installOnUpgrade)
                        : BareWebSocketServerUpgrader<Outcome>(
                            shouldUpgrade: shouldUpgrade, upgradePipelineHandler: installOnUpgrade)
                    let configuration = NIOTypedHTTPServerUpgradeConfiguration<Outcome>(
                        upgraders: [upgrader],
                        notUpgradingCompletionHandler: { channel in
                            progress.withLockedValue { $0.requested = true }
                            return channel.eventLoop.makeCompletedFuture {
                                let http = try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                                    wrappingChannelSynchronously: channel)
                                return Outcome.plain(http, decided.withLockedValue { $0?.1 })
                            }
                        })
                    return try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(
                        configuration: .init(upgradeConfiguration: configuration))
                }
            }
        try await DescriptorGuard.shortenAcceptBackoff(on: channel.channel)
        return WebSocketListener(channel: channel)
    }

    /// Accepts connections until the listener is closed (`close()`) or the task is cancelled.
    public func run(serve: @escaping Serve = { _, _, _ in }) async throws {
        try await channel.executeThenClose { inbound in
            try await withThrowingDiscardingTaskGroup { group in
                for try await outcome in inbound {
                    group.addTask {
                        guard let result = try? await outcome.get() else { return }
                        switch result {
                        case .upgraded(let ws, let request, let accepted):
                            await serve(ws, request, accepted)
                        case .takenOver(let done):
                            try? await done.get()
                        case .plain(let http, let decision):
                            await Self.answer(http, decision)
                        }
                    }
                }
            }
        }
    }

    /// Stops accepting connections.
    public func close() {
        channel.channel.close(promise: nil)
    }

    private static func answer(
        _ http: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, _ decision: UpgradeDecision<Accepted>?
    ) async {
        var status = 426
        var headers = HTTPHeaders([("Content-Type", "text/plain; charset=utf-8")])
        var body = Array("This is a Realtime WebSocket endpoint: connect with a WebSocket client.\n".utf8)
        if case .refuse(let s, let h, let b) = decision { (status, headers, body) = (s, h, b) }
        headers.replaceOrAdd(name: "Content-Length", value: "\(body.count)")
        headers.replaceOrAdd(name: "Connection", value: "close")
        try? await http.executeThenClose { _, outbound in
            let head = HTTPResponseHead(version: .http1_1, status: .init(statusCode: status), headers: headers)
            try await outbound.write(.head(head))
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
            try await outbound.write(.end(nil))
        }
    }
}

/// A certificate and key for serving `wss://` locally (for clients that refuse plain `ws://`).
public struct ListenerTLS: Sendable {
    public var certificateFile: String
    public var keyFile: String

    public init(certificateFile: String, keyFile: String) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }

    func makeContext() throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        return try NIOSSLContext(
            configuration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key)))
    }
}

/// Reports a client whose TLS handshake failed (a plain ws:// client, an untrusted certificate, …).
final class TLSFailureReporter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    private let notice: (@Sendable (String) -> Void)?
    private var done = false

    init(_ notice: (@Sendable (String) -> Void)?) { self.notice = notice }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !done, case NIOSSLError.handshakeFailed = error {
            done = true  // one line per connection
            let peer = context.channel.remoteAddress.map { "\($0)" } ?? "a client"
            notice?(
                "TLS handshake with \(peer) failed (\(error)); is the client using wss:// and trusting the certificate?"
            )
        }
        context.fireErrorCaught(error)
    }
}

extension HTTPHeaders {
    /// Header name (lower-cased) → value, repeated headers joined with ", " (the recording's form).
    var lowercasedDictionary: [String: String] {
        var out: [String: String] = [:]
        for (name, value) in self {
            let key = name.lowercased()
            out[key] = out[key].map { "\($0), \(value)" } ?? value
        }
        return out
    }
}

/// The server side of a WebSocket upgrade that installs no frame handlers: the handshake (the
/// request's key and version, `Sec-WebSocket-Accept`) is NIO's, through an inner
/// `NIOTypedWebSocketServerUpgrader`; after the 101 the channel carries bytes, for the relay's
/// `WireFrameDecoder` (the relay forwards frames without decoding them into NIO's frames).
struct BareWebSocketServerUpgrader<UpgradeResult: Sendable>: NIOTypedHTTPServerProtocolUpgrader {
    private let handshake: NIOTypedWebSocketServerUpgrader<UpgradeResult>
    private let upgradePipelineHandler: @Sendable (any Channel, HTTPRequestHead) -> EventLoopFuture<UpgradeResult>

    init(
        shouldUpgrade: @escaping @Sendable (any Channel, HTTPRequestHead) -> EventLoopFuture<HTTPHeaders?>,
        upgradePipelineHandler: @escaping @Sendable (any Channel, HTTPRequestHead) -> EventLoopFuture<UpgradeResult>
    ) {
        self.upgradePipelineHandler = upgradePipelineHandler
        handshake = NIOTypedWebSocketServerUpgrader(
            shouldUpgrade: shouldUpgrade, upgradePipelineHandler: upgradePipelineHandler)
    }

    var supportedProtocol: String { handshake.supportedProtocol }
    var requiredUpgradeHeaders: [String] { handshake.requiredUpgradeHeaders }

    func buildUpgradeResponse(
        channel: any Channel, upgradeRequest: HTTPRequestHead, initialResponseHeaders: HTTPHeaders
    ) -> EventLoopFuture<HTTPHeaders> {
        handshake.buildUpgradeResponse(
            channel: channel, upgradeRequest: upgradeRequest, initialResponseHeaders: initialResponseHeaders)
    }

    func upgrade(channel: any Channel, upgradeRequest: HTTPRequestHead) -> EventLoopFuture<UpgradeResult> {
        upgradePipelineHandler(channel, upgradeRequest)
    }
}
