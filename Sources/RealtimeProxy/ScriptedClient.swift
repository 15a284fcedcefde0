import NIOCore
import NIOHTTP1
import NIOWebSocket
public import RealtimeSimulation

/// Runs a `ClientScript` over a real WebSocket (what `rtscope demo` drives through the recorder).
public enum ScriptedClient {
    public enum Failure: Error, CustomStringConvertible {
        case refused(status: Int, body: String)
        case timedOut(after: Duration, seen: Int)

        public var description: String {
            switch self {
            case .refused(let status, let body): "the server refused the connection with HTTP \(status): \(body)"
            case .timedOut(let after, let seen):
                "the scripted session did not finish within \(after) (\(seen) server events seen)"
            }
        }
    }

    /// Connects to `url` with `headers`, runs `script` to its end, and closes with 1000.
    /// - Throws: `Failure` or a connection error.
    public static func run(
        _ script: ClientScript, url: WebSocketURL, headers: [(String, String)], timeout: Duration = .seconds(60)
    ) async throws {
        let connection = try await UpstreamConnector.connect(url, headers: HTTPHeaders(headers))
        guard case .upgraded(let ws, _) = connection else {
            if case .refused(let status, _, let body) = connection {
                throw Failure.refused(status: status, body: String(decoding: body.prefix(300), as: UTF8.self))
            }
            return
        }
        let channel = ws.channel
        let timer = Task {
            try await Task.sleep(for: timeout)
            channel.close(promise: nil)  // ends the loop below
        }
        defer { timer.cancel() }
        let finished = try? await ws.executeThenClose { inbound, outbound in
            try await send(script.start(), outbound)
            var frames = inbound.makeAsyncIterator()  // one iterator for the channel's lifetime
            while let frame = try await frames.next() {
                guard frame.opcode == .text else {
                    if frame.opcode == .connectionClose { return script.finished }
                    continue
                }
                var data = frame.unmaskedData
                try await send(script.received(data.readString(length: data.readableBytes) ?? ""), outbound)
                if script.finished {
                    var payload = ByteBuffer()
                    payload.writeInteger(UInt16(1000))
                    try await outbound.write(
                        WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: payload))
                    // Wait for the server's close reply.
                    while let reply = try await frames.next(), reply.opcode != .connectionClose {}
                    return true
                }
            }
            return script.finished
        }
        if finished != true { throw Failure.timedOut(after: timeout, seen: script.seen.count) }
    }

    static func send(_ texts: [String], _ outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>) async throws {
        for text in texts {
            try await outbound.write(
                WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: ByteBuffer(string: text)))
        }
    }
}
