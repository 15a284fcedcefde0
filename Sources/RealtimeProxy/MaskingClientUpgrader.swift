import NIOCore
import NIOHTTP1
import NIOWebSocket

/// The client side of a WebSocket upgrade, with `MaskingFrameEncoder` in place of NIO's encoder.
///
/// The request headers and the check of the server's `Sec-WebSocket-Accept` are NIO's (an inner
/// `NIOTypedWebSocketClientUpgrader` sharing the same request key); only the handlers installed
/// after the 101 differ: the word-wise masking encoder, NIO's frame decoder (frames up to
/// `maxFrameSize`) and NIO's protocol error handler. Without `frameCodec` it installs none of them:
/// the relay reads and writes the frames' bytes itself (`WireFrameDecoder`).
struct MaskingClientUpgrader<UpgradeResult: Sendable>: NIOTypedHTTPClientProtocolUpgrader {
    let supportedProtocol = "websocket"
    let requiredUpgradeHeaders: [String] = []
    private let handshake: NIOTypedWebSocketClientUpgrader<UpgradeResult>
    private let maxFrameSize: Int
    private let frameCodec: Bool
    private let upgradePipelineHandler: @Sendable (any Channel, HTTPResponseHead) -> EventLoopFuture<UpgradeResult>

    init(
        maxFrameSize: Int, frameCodec: Bool = true,
        upgradePipelineHandler: @escaping @Sendable (any Channel, HTTPResponseHead) -> EventLoopFuture<UpgradeResult>
    ) {
        self.maxFrameSize = maxFrameSize
        self.frameCodec = frameCodec
        self.upgradePipelineHandler = upgradePipelineHandler
        handshake = NIOTypedWebSocketClientUpgrader(
            requestKey: NIOWebSocketClientUpgrader.randomRequestKey(), maxFrameSize: maxFrameSize,
            upgradePipelineHandler: upgradePipelineHandler)
    }

    func addCustom(upgradeRequestHeaders: inout HTTPHeaders) {
        handshake.addCustom(upgradeRequestHeaders: &upgradeRequestHeaders)
    }

    func shouldAllowUpgrade(upgradeResponse: HTTPResponseHead) -> Bool {
        handshake.shouldAllowUpgrade(upgradeResponse: upgradeResponse)
    }

    func upgrade(channel: any Channel, upgradeResponse: HTTPResponseHead) -> EventLoopFuture<UpgradeResult> {
        channel.eventLoop.makeCompletedFuture {
            guard frameCodec else { return }
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(MaskingFrameEncoder())
            try pipeline.addHandler(ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: maxFrameSize)))
            try pipeline.addHandler(WebSocketProtocolErrorHandler(isServer: false))
        }
        .flatMap { upgradePipelineHandler(channel, upgradeResponse) }
    }
}
