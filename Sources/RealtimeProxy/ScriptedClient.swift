import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOWebSocket
public import RealtimeSimulation

/// Runs a `ClientScript` over a real WebSocket (what `rtscope demo` drives through the recorder).
public enum ScriptedClient {
    public enum Failure: Error, CustomStringConvertible {
        case refused(status: Int, body: String)
        case timedOut(after: Duration, seen: Int)
        /// No server event arrived for `after` while the script waited for `waitingFor`.
        case stalled(waitingFor: String, after: Duration, seen: Int)

        public var description: String {
            switch self {
            case .refused(let status, let body): "the server refused the connection with HTTP \(status): \(body)"
            case .timedOut(let after, let seen):
                "the scripted session did not finish within \(after) (\(seen) server events seen)"
            case .stalled(let waitingFor, let after, let seen):
                "the server sent nothing for \(after) while the client waited for \(waitingFor) (\(seen) server events seen)"
            }
        }
    }

    /// The last time a server frame arrived, shared by the read loop and the stall watchdog.
    private final class Clock: @unchecked Sendable {
        private let lock = NIOLock()
        private var last = ContinuousClock.now
        private var stalledFlag = false
        func touch() { lock.withLock { last = .now } }
        func idle() -> Duration { lock.withLock { ContinuousClock.now - last } }
        var stalled: Bool {
            get { lock.withLock { stalledFlag } }
            set { lock.withLock { stalledFlag = newValue } }
        }
    }

    /// Connects to `url` with `headers`, runs `script` to its end, and closes with 1000.
    ///
    /// - Parameters:
    ///   - timeout: the whole session's limit.
    ///   - stall: the longest silence from the server while the script waits for an event; the
    ///     connection is then closed and `Failure.stalled` names the awaited event.
    ///   - progress: called with each server event the script was waiting for, as it arrives.
    /// - Throws: `Failure` or a connection error.
    public static func run(
        _ script: ClientScript, url: WebSocketURL, headers: [(String, String)], timeout: Duration = .seconds(60),
        stall: Duration = .seconds(10), progress: (@Sendable (String, Int, Int) -> Void)? = nil
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
        let clock = Clock()
        let watchdog = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .milliseconds(100))
                if clock.idle() > stall {
                    clock.stalled = true
                    channel.close(promise: nil)
                    return
                }
            }
        }
        defer {
            timer.cancel()
            watchdog.cancel()
        }
        let finished = try? await ws.executeThenClose { inbound, outbound in
            try await send(script.start(), outbound)
            var frames = inbound.makeAsyncIterator()  // one iterator for the channel's lifetime
            while let frame = try await frames.next() {
                guard frame.opcode == .text else {
                    if frame.opcode == .connectionClose { return script.finished }
                    continue
                }
                clock.touch()
                var data = frame.unmaskedData
                let awaited = script.waitingFor
                let before = script.progress.done
                try await send(script.received(data.readString(length: data.readableBytes) ?? ""), outbound)
                let after = script.progress
                if let awaited, after.done > before { progress?(awaited, after.done, after.total) }
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
        if finished != true {
            if clock.stalled, let awaited = script.waitingFor {
                throw Failure.stalled(waitingFor: awaited, after: stall, seen: script.seen.count)
            }
            throw Failure.timedOut(after: timeout, seen: script.seen.count)
        }
    }

    static func send(_ texts: [String], _ outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>) async throws {
        for text in texts {
            try await outbound.write(
                WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: ByteBuffer(string: text)))
        }
    }
}
