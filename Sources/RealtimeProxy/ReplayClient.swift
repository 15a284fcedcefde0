import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOWebSocket
public import RealtimeSimulation

/// Runs a `ClientReplay` over a real WebSocket: what `rtscope replay` drives through the recorder.
///
/// It speaks the wire protocol itself (no SDK): the reader feeds each server frame to the replay
/// and enqueues what falls due at once (an answer to a milestone leaves without waiting for a
/// timer); timed events are enqueued by event-loop timers; one writer task sends the queue in order. When every recorded client event has gone, it waits until
/// the new session has finished as many responses as the recording (or `settle` has passed with
/// none missing arriving), then closes with 1000 and waits up to 2 s for the server's close.
public enum ReplayClient {
    public enum Failure: Error, CustomStringConvertible {
        case refused(status: Int, body: String)

        public var description: String {
            switch self {
            case .refused(let status, let body): "the server refused the connection with HTTP \(status): \(body)"
            }
        }
    }

    /// How a replay ended.
    public enum Outcome: Sendable, Equatable {
        /// Every client event was sent and the client closed the session.
        case completed
        /// The server closed the connection before every client event was sent.
        case serverClosed
        /// `timeout` passed first.
        case timedOut
    }

    /// The replay behind a lock, with the ordered queue of frames to send: whoever advances the
    /// replay (the reader on a server frame, the timer when an event falls due) enqueues under the
    /// lock, so frames leave in the replay's order.
    private final class Driver: @unchecked Sendable {
        private let lock = NIOLock()
        private let replay: ClientReplay
        private let queue: AsyncStream<String>.Continuation
        private let start = ContinuousClock.now
        private let loop: any EventLoop
        private var serverClosed = false
        /// The live time a wake-up is scheduled for, if any.
        private var scheduled: Int64?

        init(_ replay: ClientReplay, queue: AsyncStream<String>.Continuation, loop: any EventLoop) {
            self.replay = replay
            self.queue = queue
            self.loop = loop
        }

        /// Enqueues what is due at `now` and schedules a wake-up for the next timed event.
        ///
        /// The wake-up is an event-loop timer (epoll, precise to about a millisecond). Called under the lock.
        private func advance(_ now: Int64) {
            for out in replay.due(now: now) { queue.yield(out) }
            guard let next = replay.nextDue, next > now, scheduled.map({ next < $0 }) ?? true else { return }
            scheduled = next
            loop.scheduleTask(in: .milliseconds(next - now)) { [self] in
                lock.withLock {
                    if scheduled == next { scheduled = nil }
                    advance(nowMs())
                }
            }
        }

        func nowMs() -> Int64 {
            let d = ContinuousClock.now - start
            return d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
        }

        /// Feeds a server frame (nil: the server closed) and enqueues what is due.
        func received(_ text: String?) {
            lock.withLock {
                let now = nowMs()
                if let text { replay.received(text, now: now) } else { serverClosed = true }
                advance(now)
            }
        }

        /// Enqueues what is due; returns the state the timer decides by.
        func tick() -> (nextDue: Int64?, finished: Bool, settled: Bool, closed: Bool, now: Int64) {
            lock.withLock {
                let now = nowMs()
                advance(now)
                return (replay.nextDue, replay.finished, replay.settled, serverClosed, now)
            }
        }
    }

    /// Connects to `url`, replays to the end, closes.
    ///
    /// - Parameters:
    ///   - timeout: the whole replay's limit (the connection is then closed).
    ///   - settle: how long to wait after the last client event for the responses still due.
    /// - Throws: `Failure`, or a connection error.
    @discardableResult
    public static func run(
        _ replay: ClientReplay, url: WebSocketURL, headers: [(String, String)], timeout: Duration = .seconds(300),
        settle: Duration = .seconds(10)
    ) async throws -> Outcome {
        let connection = try await UpstreamConnector.connect(url, headers: HTTPHeaders(headers))
        guard case .upgraded(let ws, _) = connection else {
            if case .refused(let status, _, let body) = connection {
                throw Failure.refused(status: status, body: String(decoding: body.prefix(300), as: UTF8.self))
            }
            return .serverClosed
        }
        let channel = ws.channel
        let (queue, continuation) = AsyncStream<String>.makeStream()
        let driver = Driver(replay, queue: continuation, loop: channel.eventLoop)
        let limitMs = timeout.components.seconds * 1000
        let settleMs = settle.components.seconds * 1000 + settle.components.attoseconds / 1_000_000_000_000_000
        let completed = try await ws.executeThenClose { inbound, outbound in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        for try await frame in inbound {
                            if frame.opcode == .connectionClose { break }
                            guard frame.opcode == .text else { continue }
                            var data = frame.unmaskedData
                            driver.received(data.readString(length: data.readableBytes) ?? "")
                        }
                    } catch {}
                    driver.received(nil)
                }
                group.addTask {  // the one writer: frames leave in queue order
                    for await text in queue {
                        try await outbound.write(
                            WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: ByteBuffer(string: text))
                        )
                    }
                }
                var finishedAt: Int64?
                var outcome = Outcome.timedOut
                while true {
                    let state = driver.tick()
                    if state.now >= limitMs { break }
                    if state.closed {
                        outcome = state.finished ? .completed : .serverClosed
                        break
                    }
                    if state.finished {
                        let since = finishedAt ?? state.now
                        finishedAt = since
                        if state.settled || state.now - since > settleMs {
                            outcome = .completed
                            continuation.finish()
                            var payload = ByteBuffer()
                            payload.writeInteger(UInt16(1000))
                            try? await Task.sleep(for: .milliseconds(20))  // let the writer drain
                            try? await outbound.write(
                                WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: payload))
                            for _ in 0..<200 where !driver.tick().closed {
                                try await Task.sleep(for: .milliseconds(10))
                            }
                            break
                        }
                    }
                    // Timed events go from the event loop's timers; this loop only watches for the end.
                    try await Task.sleep(for: .milliseconds(20))
                }
                continuation.finish()
                channel.close(promise: nil)  // ends the reader
                try? await group.waitForAll()
                return outcome
            }
        }
        return completed
    }
}
