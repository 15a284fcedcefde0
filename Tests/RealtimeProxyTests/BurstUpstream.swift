import Foundation
import NIOCore
import NIOPosix
import RealtimeProxy
import Testing

/// A hand-written upstream that answers the upgrade and sends its first frame in one write, so the
/// 101 response and `session.created` reach the proxy in the same read (as a fast server's do).
final class BurstUpstream: @unchecked Sendable {
    let channel: any Channel
    static let firstFrame = #"{"type":"session.created","event_id":"burst_1","session":{}}"#

    private init(channel: any Channel) { self.channel = channel }

    static func start() async throws -> BurstUpstream {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Handler()) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return BurstUpstream(channel: channel)
    }

    var url: WebSocketURL {
        WebSocketURL(secure: false, host: "127.0.0.1", port: channel.localAddress?.port ?? 0, target: "/v1/realtime")
    }

    func stop() { channel.close(promise: nil) }

    /// Reads the request head, then writes the 101 and one unmasked text frame in a single buffer.
    final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        private var request: [UInt8] = []
        private var answered = false

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            guard !answered else { return }
            request += buffer.readBytes(length: buffer.readableBytes) ?? []
            let text = String(decoding: request, as: UTF8.self)
            guard text.contains("\r\n\r\n") else { return }
            answered = true
            let key =
                text.split(separator: "\r\n").first { $0.lowercased().hasPrefix("sec-websocket-key:") }
                .map { $0.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces) } ?? ""
            let accept = Data(SHA1.digest(Array((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8)))
                .base64EncodedString()
            var out = context.channel.allocator.buffer(capacity: 256)
            out.writeString(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: \(accept)\r\n\r\n")
            let payload = Array(BurstUpstream.firstFrame.utf8)
            out.writeBytes([0x81, UInt8(payload.count)] + payload)
            context.writeAndFlush(wrapOutboundOut(out), promise: nil)
        }
    }
}

/// SHA-1 (RFC 3174), only to compute `Sec-WebSocket-Accept` in the test upstream above.
enum SHA1 {
    static func digest(_ message: [UInt8]) -> [UInt8] {
        var h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
        var bytes = message + [0x80]
        while bytes.count % 64 != 56 { bytes.append(0) }
        let bits = UInt64(message.count) * 8
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift)))
        }
        for chunk in stride(from: 0, to: bytes.count, by: 64) {
            var w = (0..<16).map { i in
                (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(bytes[chunk + i * 4 + $1]) }
            }
            for i in 16..<80 {
                let x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]
                w.append(x << 1 | x >> 31)
            }
            var (a, b, c, d, e) = (h[0], h[1], h[2], h[3], h[4])
            for i in 0..<80 {
                let (f, k): (UInt32, UInt32) =
                    i < 20
                    ? ((b & c) | (~b & d), 0x5A82_7999)
                    : i < 40
                        ? (b ^ c ^ d, 0x6ED9_EBA1)
                        : i < 60
                            ? ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
                            : (b ^ c ^ d, 0xCA62_C1D6)
                let t = (a << 5 | a >> 27) &+ f &+ e &+ k &+ w[i]
                (e, d, c, b, a) = (d, c, b << 30 | b >> 2, a, t)
            }
            h = [h[0] &+ a, h[1] &+ b, h[2] &+ c, h[3] &+ d, h[4] &+ e]
        }
        return h.flatMap { v in [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: v >> UInt32($0)) } }
    }
}

struct FirstFrameWithTheUpgradeTests {
    @Test func sha1MatchesTheRFCExample() {
        let hex = SHA1.digest(Array("abc".utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(hex == "a9993e364706816aba3e25717850c26c9cd0d89d")
    }

    /// A server frame that arrives in the same read as the 101 is delivered, directly and through the recorder.
    @Test func aFrameSentWithThe101IsNotLost() async throws {
        let upstream = try await BurstUpstream.start()
        defer { upstream.stop() }
        let direct = try await TestClient.open(upstream.url)
        let first = try #require(try await direct.next(timeout: .seconds(10)))
        #expect(String(decoding: first.bytes, as: UTF8.self) == BurstUpstream.firstFrame)
        await direct.close()

        let proxy = try await RunningProxy.start(.url(upstream.url))
        defer { proxy.stop() }
        let client = try await TestClient.open(proxy.url())
        let relayed = try #require(try await client.next(timeout: .seconds(10)))
        #expect(String(decoding: relayed.bytes, as: UTF8.self) == BurstUpstream.firstFrame)
        await client.close()
        let recording = try #require(await proxy.waitForConnections(1).first?.path)
        #expect(try String(contentsOfFile: recording, encoding: .utf8).contains("burst_1"))
    }
}
