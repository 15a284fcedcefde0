import Foundation
public import NIOCore
public import NIOHTTP1
import NIOPosix
import NIOSSL
public import NIOWebSocket

/// How to reach a WebSocket server: `ws://` or `wss://`, host, port, path and query.
public struct WebSocketURL: Sendable, Equatable, CustomStringConvertible {
    public var secure: Bool
    public var host: String
    public var port: Int
    /// Path and query, starting with `/`.
    public var target: String

    /// Parses `ws://`, `wss://`, `http://` or `https://` URLs (http forms map to ws forms).
    public init?(_ text: String) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else { return nil }
        switch scheme {
        case "ws", "http": secure = false
        case "wss", "https": secure = true
        default: return nil
        }
        self.host = host
        port = components.port ?? (secure ? 443 : 80)
        var target = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { target += "?" + query }
        self.target = target
    }

    public init(secure: Bool, host: String, port: Int, target: String) {
        (self.secure, self.host, self.port, self.target) = (secure, host, port, target)
    }

    public var description: String {
        let defaultPort = secure ? 443 : 80
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "\(secure ? "wss" : "ws")://\(hostPart)\(port == defaultPort ? "" : ":\(port)")\(target)"
    }
}

/// TLS settings for upstream connections.
public struct UpstreamTLS: Sendable {
    /// Extra trusted CA certificates (PEM file), on top of the system store.
    public var caFile: String?
    /// Skip certificate verification (only with an explicit `--insecure`).
    public var insecure = false

    public init(caFile: String? = nil, insecure: Bool = false) {
        self.caFile = caFile
        self.insecure = insecure
    }
}

/// The result of a client upgrade attempt, with the upgraded connection in the form its opener made it.
public enum UpstreamUpgrade<Connection: Sendable>: Sendable {
    /// The server switched protocols; `response` is its 101 head.
    case upgraded(Connection, response: HTTPResponseHead)
    /// The server answered with a normal HTTP response (status, headers and body kept).
    case refused(status: Int, headers: HTTPHeaders, body: [UInt8])
}

/// An upgrade attempt whose connection is a frame channel for async code.
public typealias UpstreamConnection = UpstreamUpgrade<WebSocketChannel>

/// Opens client WebSocket connections (ws and wss) with chosen headers.
public enum UpstreamConnector {
    enum Result<Connection: Sendable>: Sendable {
        case ws(Connection, HTTPResponseHead)
        case http(NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>)
    }

    /// Connects and asks to upgrade `url.target` with `headers` (Host and the upgrade headers are added).
    /// - Throws: when the connection, TLS or the upgrade exchange fails.
    public static func connect(
        _ url: WebSocketURL, headers: HTTPHeaders, tls: UpstreamTLS = UpstreamTLS(), timeout: TimeAmount = .seconds(15)
    ) async throws -> UpstreamConnection {
        try await open(url, headers: headers, tls: tls, timeout: timeout, on: nil) { channel in
            try WebSocketChannel(wrappingChannelSynchronously: channel)
        }
    }

    /// Connects on `eventLoop` (any loop when nil); after a 101, `install` makes the connection's handle.
    ///
    /// `install` runs on the channel's loop, before any frame is read. Without `frameCodec` the channel
    /// gets no WebSocket handlers: `install` reads and writes the frames' bytes (the relay's way).
    /// - Throws: when the connection, TLS or the upgrade exchange fails.
    static func open<Connection: Sendable>(
        _ url: WebSocketURL, headers: HTTPHeaders, tls: UpstreamTLS, timeout: TimeAmount,
        maxFrameSize: Int = RealtimeProxy.maxFrameSize, frameCodec: Bool = true, on eventLoop: (any EventLoop)?,
        install: @escaping @Sendable (any Channel) throws -> Connection
    ) async throws -> UpstreamUpgrade<Connection> {
        let sslContext: NIOSSLContext?
        if url.secure {
            var configuration = TLSConfiguration.makeClientConfiguration()
            if let caFile = tls.caFile {
                configuration.additionalTrustRoots = [.file(caFile)]
            }
            if tls.insecure { configuration.certificateVerification = .none }
            sslContext = try NIOSSLContext(configuration: configuration)
        } else {
            sslContext = nil
        }
        var requestHeaders = headers
        let defaultPort = url.secure ? 443 : 80
        requestHeaders.replaceOrAdd(name: "Host", value: url.port == defaultPort ? url.host : "\(url.host):\(url.port)")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: url.target, headers: requestHeaders)
        let isIPAddress = url.host.allSatisfy { $0.isHexDigit || $0 == "." || $0 == ":" }
        let group: any EventLoopGroup = eventLoop ?? MultiThreadedEventLoopGroup.singleton
        let result: EventLoopFuture<Result<Connection>> = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.recvAllocator, value: readBuffers)
            .connectTimeout(timeout)
            .connect(host: url.host, port: url.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: sslContext, serverHostname: isIPAddress ? nil : url.host))
                    }
                    let upgrader = MaskingClientUpgrader<Result<Connection>>(
                        maxFrameSize: maxFrameSize, frameCodec: frameCodec
                    ) {
                        channel, response in
                        channel.eventLoop.makeCompletedFuture { .ws(try install(channel), response) }
                    }
                    let configuration = NIOTypedHTTPClientUpgradeConfiguration<Result<Connection>>(
                        upgradeRequestHead: head, upgraders: [upgrader],
                        notUpgradingCompletionHandler: { channel in
                            channel.eventLoop.makeCompletedFuture {
                                .http(try NIOAsyncChannel(wrappingChannelSynchronously: channel))
                            }
                        })
                    // Bytes that arrive with the 101 (a server that sends `session.created` at once) belong to
                    // the WebSocket: NIO's client default drops them, so forward them to the frame decoder.
                    var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: configuration)
                    pipeline.leftOverBytesStrategy = .forwardBytes
                    return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
                        configuration: pipeline)
                }
            }
        switch try await result.get() {
        case .ws(let connection, let response):
            return .upgraded(connection, response: response)
        case .http(let http):
            return try await http.executeThenClose { inbound, _ in
                var status = 0
                var responseHeaders = HTTPHeaders()
                var body: [UInt8] = []
                for try await part in inbound {
                    switch part {
                    case .head(let head):
                        status = Int(head.status.code)
                        responseHeaders = head.headers
                    case .body(var buffer):
                        if body.count < 1 << 20 { body += buffer.readBytes(length: buffer.readableBytes) ?? [] }
                    case .end: return .refused(status: status, headers: responseHeaders, body: body)
                    }
                }
                return .refused(status: status, headers: responseHeaders, body: body)
            }
        }
    }
}
