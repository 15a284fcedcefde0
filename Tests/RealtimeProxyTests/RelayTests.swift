import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOWebSocket
import RealtimeProtocol
import RealtimeRecording
import RealtimeWire
import Synchronization
import Testing

@testable import RealtimeProxy

struct MaskingFrameEncoderTests {
    /// Encodes with our client encoder and decodes with NIO's decoder: every length class
    /// (7-bit, 16-bit and 64-bit lengths, and tails that are not a multiple of eight) comes back
    /// as sent, masked with a key that is not all zeros.
    @Test(arguments: [0, 1, 7, 8, 125, 126, 1000, 65_535, 65_536, 100_003])
    func framesDecodeToWhatWasSent(length: Int) throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(MaskingFrameEncoder())
        let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let frame = WebSocketFrame(fin: false, rsv1: true, opcode: .binary, data: ByteBuffer(bytes: payload))
        try channel.writeOutbound(frame)
        var wire = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)  // header and payload in one buffer
        let decoder = EmbeddedChannel(handler: ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 20)))
        try decoder.writeInbound(wire)
        let decoded = try #require(try decoder.readInbound(as: WebSocketFrame.self))
        #expect(decoded.opcode == .binary && !decoded.fin && decoded.rsv1 && !decoded.rsv2)
        let key = try #require(decoded.maskKey)
        #expect(Array(key) != [0, 0, 0, 0])
        #expect(decoded.bytes == payload)
        // And the bytes on the wire are really masked (not the payload in clear).
        if length >= 8 {
            let onWire = wire.readBytes(length: wire.readableBytes) ?? []
            #expect(Array(onWire.suffix(length)) != payload)
        }
    }

    @Test func aGivenKeyIsUsedAndFreshKeysDiffer() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(MaskingFrameEncoder())
        let given: WebSocketMaskingKey = [1, 2, 3, 4]
        try channel.writeOutbound(
            WebSocketFrame(fin: true, opcode: .text, maskKey: given, data: ByteBuffer(string: "hi")))
        let first = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(first.getBytes(at: 2, length: 4) == [1, 2, 3, 4])
        var keys = Set<[UInt8]>()
        for _ in 0..<2000 {  // crosses a refill of the key pool
            try channel.writeOutbound(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: "hi")))
            let out = try #require(try channel.readOutbound(as: ByteBuffer.self))
            keys.insert(out.getBytes(at: 2, length: 4) ?? [])
        }
        #expect(keys.count > 1990)
    }

    /// A payload NIO masked with a key comes back unmasked through the key's word (`FastMask.word`)
    /// and the relay's frame cutter.
    @Test func unmaskingMatchesNIO() {
        let key: WebSocketMaskingKey = [9, 200, 33, 77]
        var scratch = ByteBuffer()
        for length in [0, 3, 8, 13, 64, 1001] {
            let payload = ByteBuffer(bytes: (0..<length).map { UInt8(truncatingIfNeeded: $0) })
            var masked = payload
            masked.webSocketMask(key)
            var bytes = ByteBuffer()
            WireFrame.writeHeader(
                fin: true, rsv: 0, opcode: 0x2, length: length, maskWord: FastMask.word(key), into: &bytes)
            bytes.writeBuffer(&masked)
            var decoder = WireFrameDecoder(maxFrameSize: 1 << 20)
            var frames: [WireFrame] = []
            _ = decoder.read(bytes) { frames.append($0) }
            #expect(frames.count == 1 && frames.first?.unmaskedPayload(scratch: &scratch) == payload)
        }
    }
}

@Suite(.serialized)
struct ShutdownTests {
    /// `closeAll` (what SIGINT and SIGTERM run) sends 1001 to the client and to the upstream,
    /// records both, and the connection ends once both have answered.
    @Test func closeAllSendsGoingAwayBothWaysAndRecordsIt() async throws {
        let (echo, proxy, client) = try await TestClient.throughEcho()
        defer { proxy.stop(); echo.stop() }
        try await client.sendText(#"{"type":"session.update","session":{}}"#)
        _ = try await client.next()
        await proxy.proxy.closeAll()
        let close = try #require(try await client.next(timeout: .seconds(10)))
        #expect(close.opcode == .connectionClose && close.closeCode == 1001)
        try await client.sendClose(1001)
        let summary = try #require(await proxy.waitForConnections(1).first)
        let frames = try recordedFrames(try #require(summary.path))
        let closes = frames.filter { $0.opcode == .close }
        // The proxy's two close frames, then the two answers (the echo's and the client's).
        #expect(closes.count == 4)
        #expect(Set(closes.prefix(2).map(\.direction)) == [.clientToServer, .serverToClient])
        #expect(closes.allSatisfy { $0.closeCode == 1001 })
        await client.close()
    }

    /// An upstream that never answers a close frame: the proxy closes both connections once the
    /// grace period has passed, and the recording keeps the one close frame there was.
    @Test func anUnansweredCloseEndsTheConnectionAfterTheGrace() async throws {
        let listener = try await WebSocketListener<Int>.bind(host: "127.0.0.1", port: 0) { _ in
            .accept(0, headers: [:])
        }
        let upstreamTask = Task {
            try? await listener.run { ws, _, _ in
                try? await ws.executeThenClose { inbound, _ in
                    for try await _ in inbound {}  // reads everything, answers nothing
                }
            }
        }
        let upstreamURL = WebSocketURL(secure: false, host: "127.0.0.1", port: listener.port, target: "/v1/realtime")
        let proxy = try await RunningProxy.start(.url(upstreamURL), closeGrace: .milliseconds(300))
        defer {
            proxy.stop()
            listener.close()
            upstreamTask.cancel()
        }
        let client = try await TestClient.open(proxy.url())
        let start = ContinuousClock.now
        try await client.sendClose(1000, "done")
        // Closed by the proxy, without a close frame; the 30 s timeout would close it from this side.
        #expect(try await client.next(timeout: .seconds(30)) == nil)
        let waited = ContinuousClock.now - start
        #expect(waited >= .milliseconds(300) && waited < .seconds(20), "closed after \(waited)")
        let summary = try #require(await proxy.waitForConnections(1).first)
        let frames = try recordedFrames(try #require(summary.path))
        #expect(frames.map(\.opcode) == [.close])
        #expect(frames.first?.closeCode == 1000)
        await client.close()
    }
}

struct ConnectionEndTests {
    /// When a connection ends its recording file is closed (no descriptor is left open on it).
    @Test func finishedConnectionsLeaveNoFileOpen() async throws {
        let echo = try await EchoUpstream.start()
        let proxy = try await RunningProxy.start(.url(echo.url))
        defer { proxy.stop(); echo.stop() }
        for _ in 0..<5 {
            let client = try await TestClient.open(proxy.url())
            try await client.sendText(#"{"type":"session.update","session":{}}"#)
            _ = try await client.next()
            try await client.sendClose(1000)
            _ = try await client.next()
            await client.close()
        }
        #expect(await proxy.waitForConnections(5).count == 5)
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        let open = fds.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0) }
            .filter { $0.hasPrefix(proxy.folder) }
        #expect(open.isEmpty, "still open: \(open)")
        #expect(proxy.recordings().count == 5)
    }
}

struct BackpressureTests {
    /// An upstream that writes as fast as it may, to a client that reads nothing: the proxy stops
    /// reading the upstream once the client's side is full, so what it reads (and records) stands
    /// still within what the client's socket buffers hold, instead of growing without end.
    ///
    /// The measure is the recording: every frame the proxy reads is recorded before it is
    /// forwarded. (Counting the upstream's `write` calls is no measure: NIO's async writer takes
    /// frames into its own queue, which costs nothing here as they share one buffer.)
    @Test func aClientThatDoesNotReadHoldsTheUpstreamBack() async throws {
        let frame = ByteBuffer(repeating: 0x41, count: 64 << 10)
        let listener = try await WebSocketListener<Int>.bind(host: "127.0.0.1", port: 0) { _ in
            .accept(0, headers: [:])
        }
        let upstreamTask = Task {
            try? await listener.run { ws, _, _ in
                try? await ws.executeThenClose { _, outbound in
                    while !Task.isCancelled {
                        try await outbound.write(WebSocketFrame(fin: true, opcode: .binary, data: frame))
                    }
                }
            }
        }
        let upstreamURL = WebSocketURL(secure: false, host: "127.0.0.1", port: listener.port, target: "/v1/realtime")
        let proxy = try await RunningProxy.start(.url(upstreamURL))
        defer {
            proxy.stop()
            listener.close()
            upstreamTask.cancel()
        }
        let client = try await TestClient.open(proxy.url())
        // Wait until the proxy stops reading: the recording stands still for half a second, at most 10 s.
        var last = -1
        var now = 0
        var still = 0
        for _ in 0..<40 where still < 2 {
            try await Task.sleep(for: .milliseconds(250))
            now = proxy.recordings().reduce(0) { $0 + fileSize($1) }
            still = now == last ? still + 1 : 0
            last = now
        }
        // Each 64 KiB frame is recorded as base64, about 87 KiB. What the proxy may have read: the
        // client's receive buffer, the proxy's send buffer, and a read burst in flight (1 MiB buffers).
        let limit = kernelLimit("tcp_rmem", default: 32 << 20) + kernelLimit("tcp_wmem", default: 4 << 20) + (8 << 20)
        let framesRead = now / (87 << 10)
        #expect(still >= 2, "the proxy kept reading: its recording grew to \(now) bytes")
        #expect(
            framesRead * (64 << 10) < limit,
            "the proxy read \(framesRead) frames of 64 KiB for a client that reads nothing")
        // Reading resumes the flow.
        for _ in 0..<8 { #expect(try await client.next(timeout: .seconds(10))?.opcode == .binary) }
        await client.close()
    }
}

/// The size of the file at `path` in bytes, 0 when it cannot be read.
private func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
}

/// The largest buffer size of a `net.ipv4` sysctl triple such as `tcp_rmem` ("min default max").
private func kernelLimit(_ name: String, default fallback: Int) -> Int {
    let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/" + name, encoding: .utf8)) ?? ""
    return text.split(whereSeparator: \.isWhitespace).last.flatMap { Int($0) } ?? fallback
}
