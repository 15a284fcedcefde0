import NIOConcurrencyHelpers
import NIOCore
import NIOWebSocket
import RealtimeProtocol
import RealtimeRecording

/// Forwards frames between a client and an upstream socket, recording each before forwarding it.
///
/// Every frame is passed on unchanged (opcode, fin, rsv bits, payload); frames towards the upstream
/// are masked again with a fresh key, as a client must. When one side sends a close frame, the
/// other side gets up to `closeGrace` to answer it before both are closed; when one side drops
/// without a close frame, the other is dropped too (a faithful mirror, nothing synthesised).
enum Relay {
    static let closeGrace: Duration = .seconds(5)

    enum End: Sendable { case closeFrame, dropped, graceOver }

    static func run(
        client: WebSocketChannel, upstream: WebSocketChannel, recorder: ConnectionRecorder,
        control: ConnectionControl
    ) async {
        try? await client.executeThenClose { clientIn, clientOut in
            try await upstream.executeThenClose { upstreamIn, upstreamOut in
                control.attach(client: clientOut, upstream: upstreamOut, recorder: recorder)
                await withTaskGroup(of: End.self) { group in
                    group.addTask {
                        await pump(clientIn, to: upstreamOut, .clientToServer, recorder: recorder, mask: true)
                    }
                    group.addTask {
                        await pump(upstreamIn, to: clientOut, .serverToClient, recorder: recorder, mask: false)
                    }
                    let first = await group.next()
                    if first == .closeFrame {
                        group.addTask {
                            try? await Task.sleep(for: closeGrace)
                            return .graceOver
                        }
                        _ = await group.next()
                    }
                    group.cancelAll()
                }
            }
        }
    }

    /// Copies frames from `inbound` to `outbound` until a close frame passes or `inbound` ends.
    static func pump(
        _ inbound: NIOAsyncChannelInboundStream<WebSocketFrame>,
        to outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>,
        _ direction: Direction, recorder: ConnectionRecorder, mask: Bool
    ) async -> End {
        do {
            for try await frame in inbound {
                let payload = FastMask.unmasked(frame)  // unmask once, a word at a time
                do {
                    try recorder.record(frame, unmasked: payload, direction)
                } catch {
                    // Never forward what could not be recorded: end the connection and say why.
                    recorder.fail(error)
                    return .dropped
                }
                let out = WebSocketFrame(
                    fin: frame.fin, rsv1: frame.rsv1, rsv2: frame.rsv2, rsv3: frame.rsv3, opcode: frame.opcode,
                    maskKey: mask ? .random() : nil, data: payload)
                try await outbound.write(out)
                if frame.opcode == .connectionClose { return .closeFrame }
            }
        } catch {
            return .dropped
        }
        return .dropped
    }
}

/// Lets the server close a live connection on shutdown (close frames to both sides).
public final class ConnectionControl: @unchecked Sendable {
    private let lock = NIOLock()
    private var recorder: ConnectionRecorder?
    private var client: NIOAsyncChannelOutboundWriter<WebSocketFrame>?
    private var upstream: NIOAsyncChannelOutboundWriter<WebSocketFrame>?

    public init() {}

    func attach(
        client: NIOAsyncChannelOutboundWriter<WebSocketFrame>, upstream: NIOAsyncChannelOutboundWriter<WebSocketFrame>?,
        recorder: ConnectionRecorder
    ) {
        lock.withLock {
            self.recorder = recorder
            self.client = client
            self.upstream = upstream
        }
    }

    /// Sends a close frame with `code` to both sides (the relay then ends as for any close).
    public func close(code: UInt16 = 1001, reason: String = "rtscope is shutting down") async {
        let (client, upstream, recorder) = lock.withLock { (self.client, self.upstream, self.recorder) }
        var payload = ByteBuffer()
        payload.writeInteger(code)
        payload.writeString(reason)
        // The proxy's own close frames are recorded too: the recording shows who ended the session.
        try? recorder?.record(opcode: .close, payload: Array(reason.utf8), closeCode: Int(code), .serverToClient)
        try? await client?.write(WebSocketFrame(fin: true, opcode: .connectionClose, data: payload))
        if upstream != nil {
            try? recorder?.record(opcode: .close, payload: Array(reason.utf8), closeCode: Int(code), .clientToServer)
        }
        try? await upstream?.write(
            WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: payload))
    }
}

/// WebSocket unmasking eight bytes at a time (NIO's `unmaskedData` goes byte by byte).
enum FastMask {
    static func unmasked(_ frame: WebSocketFrame) -> ByteBuffer {
        guard let key = frame.maskKey else { return frame.data }
        var data = frame.data
        let k = [key[0], key[1], key[2], key[3]]
        let word = UInt64(k[0]) | UInt64(k[1]) << 8 | UInt64(k[2]) << 16 | UInt64(k[3]) << 24
        let key64 = word | word << 32
        data.withUnsafeMutableReadableBytes { raw in
            let count = raw.count
            var i = 0
            if let base = raw.baseAddress {
                while i + 8 <= count {
                    let value = (base + i).loadUnaligned(as: UInt64.self)
                    (base + i).storeBytes(of: value ^ key64, as: UInt64.self)
                    i += 8
                }
            }
            while i < count {
                raw[i] ^= k[i % 4]
                i += 1
            }
        }
        return data
    }
}
