import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOWebSocket
public import RealtimeProtocol
import RealtimeRecording
public import RealtimeSimulation

/// `rtscope serve`: the simulated Realtime server on a socket.
///
/// Accepts the Azure and OpenAI paths (`/openai/realtime`, `/openai/v1/realtime`, `/v1/realtime`).
/// The dialect is `dialect` when set, else beta when the client asks for it (`OpenAI-Beta:
/// realtime=v1`, the `openai-beta.realtime-v1` subprotocol, or the Azure preview path) and GA
/// otherwise. With `requiredKey`, clients must present it (api-key header, bearer token,
/// `api-key` query or the insecure-key subprotocol) or get 401.
public final class SimulatorServer: Sendable {
    public struct Configuration: Sendable {
        public var host = "127.0.0.1"
        public var port = 8780
        public var dialect: Dialect?
        public var requiredKey: String?
        public var options = SimulationOptions()
        /// Answer with a recording's server frames instead of the simulated model (`ReplaySession`).
        public var replay: [ReplayFrame]?
        /// Replay speed: 1 = the recorded timing, 2 = twice as fast, 0 = as fast as possible.
        public var replaySpeed = 1.0
        /// Handshake timeout, connection limit, and the largest frame or reassembled message.
        public var limits = ListenerLimits()

        public init() {}
    }

    public let configuration: Configuration
    private let log: @Sendable (String) -> Void
    private let counter = NIOLockedValueBox(0)

    public init(configuration: Configuration, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.configuration = configuration
        self.log = log
    }

    public struct Accepted: Sendable {
        let dialect: Dialect
        let conn: String
    }

    /// Binds the listener.
    /// - Throws: when the address cannot be bound.
    public func bind() async throws -> WebSocketListener<Accepted> {
        try await WebSocketListener<Accepted>.bind(
            host: configuration.host, port: configuration.port, limits: configuration.limits
        ) { [self] in
            self.decide($0)
        }
    }

    /// Serves connections until the listener closes.
    public func run(_ listener: WebSocketListener<Accepted>) async throws {
        try await listener.run { [self] ws, _, accepted in
            await self.serve(ws, accepted)
        }
    }

    static func json(_ code: String, _ message: String) -> [UInt8] {
        let error: JSON = .object([
            (
                "error",
                .object([
                    ("message", .string(message)), ("type", "invalid_request_error"), ("param", nil),
                    ("code", .string(code)),
                ])
            )
        ])
        return Array(error.encoded.utf8)
    }

    func decide(_ request: UpgradeRequest) -> UpgradeDecision<Accepted> {
        let jsonType = HTTPHeaders([("Content-Type", "application/json")])
        let path = String(request.uri.split(separator: "?").first ?? "")
        guard ["/openai/realtime", "/openai/v1/realtime", "/v1/realtime"].contains(path) else {
            return .refuse(
                status: 404, headers: jsonType, body: Self.json("not_found", "No Realtime endpoint at \(path)."))
        }
        if configuration.options.faults.contains(.handshake429) {
            var headers = jsonType
            headers.add(name: "Retry-After", value: "1")
            return .refuse(
                status: 429, headers: headers,
                body: Self.json(
                    "rate_limit_exceeded", "Rate limit reached (simulated by rtscope serve --fault handshake-429)."))
        }
        let protocols = request.headers["sec-websocket-protocol"].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if let key = configuration.requiredKey {
            let query = URLComponents(string: "ws://x" + request.uri)?.queryItems ?? []
            let presented =
                request.headers["api-key"]
                + request.headers["authorization"].map { $0.replacingOccurrences(of: "Bearer ", with: "") }
                + protocols.compactMap { Redactor.insecureKey(inSubprotocol: $0).map(String.init) }
                + query.filter { $0.name == "api-key" }.compactMap(\.value)
            guard presented.contains(key) else {
                return .refuse(
                    status: 401, headers: jsonType,
                    body: Self.json("invalid_api_key", "Incorrect API key provided (rtscope serve requires a key)."))
            }
        }
        let dialect =
            configuration.dialect ?? DialectHints.fromHeaders(request.headers.lowercasedDictionary)
            ?? DialectHints.fromURL(path) ?? .ga
        var headers = HTTPHeaders()
        if protocols.contains("realtime") { headers.add(name: "Sec-WebSocket-Protocol", value: "realtime") }
        let n = counter.withLockedValue {
            $0 += 1
            return $0
        }
        return .accept(Accepted(dialect: dialect, conn: "s\(n)"), headers: headers)
    }

    enum Input: Sendable {
        case frame(WebSocketFrame)
        case tick
        case end
    }

    func serve(_ ws: WebSocketChannel, _ accepted: Accepted) async {
        var options = configuration.options
        options.dialect = accepted.dialect
        options.idTag = accepted.conn + "_"
        log("\(accepted.conn): connected (\(accepted.dialect.rawValue))")
        let session: any ServerSession =
            if let replay = configuration.replay {
                ReplaySession(frames: replay, speed: configuration.replaySpeed)
            } else {
                SimulatedSession(options: options)
            }
        let start = ContinuousClock.now
        func now() -> Int64 {
            let elapsed = ContinuousClock.now - start
            return elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        }
        try? await ws.executeThenClose { inbound, outbound in
            let (stream, continuation) = AsyncStream<Input>.makeStream()
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    do { for try await frame in inbound { continuation.yield(.frame(frame)) } } catch {}
                    continuation.yield(.end)
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(5))
                        continuation.yield(.tick)
                    }
                }
                var actions = session.open(now: now())
                // A message fragmented into continuation frames, put together before it is parsed.
                var message: (opcode: WebSocketOpcode, bytes: [UInt8])?
                loop: for await input in stream {
                    switch input {
                    case .tick:
                        if let due = session.nextDue, due <= now() { actions += session.due(now: now()) }
                    case .end:
                        break loop
                    case .frame(let frame):
                        var data = frame.unmaskedData
                        var payload = data.readBytes(length: data.readableBytes) ?? []
                        var opcode = frame.opcode
                        if opcode == .continuation || (!frame.fin && (opcode == .text || opcode == .binary)) {
                            if opcode != .continuation {
                                message = (opcode, payload)
                            } else {
                                message?.bytes += payload
                            }
                            if let size = message?.bytes.count, size > configuration.limits.maxFrameSize {
                                _ = await Self.send([.close(code: 1009, reason: "message too big")], outbound)
                                break loop
                            }
                            guard frame.fin, let whole = message else { continue loop }
                            message = nil
                            (opcode, payload) = whole
                        }
                        switch opcode {
                        case .text: actions += session.receive(text: payload, now: now())
                        case .binary: actions += session.receiveBinary(now: now())
                        case .ping:
                            try? await outbound.write(
                                WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData))
                        case .connectionClose:
                            // Answer with the same code, then end.
                            try? await outbound.write(
                                WebSocketFrame(fin: true, opcode: .connectionClose, data: frame.unmaskedData))
                            break loop
                        default: break
                        }
                    }
                    if !actions.isEmpty, await !Self.send(actions, outbound) { break loop }
                    actions = []
                }
                group.cancelAll()
                continuation.finish()
            }
        }
        log("\(accepted.conn): closed")
    }

    /// Sends actions; returns false after a close.
    static func send(_ actions: [ServerAction], _ outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>) async -> Bool
    {
        for action in actions {
            switch action {
            case .send(let text):
                do {
                    try await outbound.write(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: text)))
                } catch { return false }
            case .close(let code, let reason):
                var payload = ByteBuffer()
                payload.writeInteger(UInt16(code))
                payload.writeString(reason)
                try? await outbound.write(WebSocketFrame(fin: true, opcode: .connectionClose, data: payload))
                return false
            }
        }
        return true
    }
}

extension SimulatorServer {
    /// The frames of a recording (or any log `rtscope import` reads), for `Configuration.replay`.
    /// - Throws: `RecordingError` when it cannot be read.
    public static func replayFrames(from path: String) throws -> [ReplayFrame] {
        var frames: [ReplayFrame] = []
        try RecordingInput.open(path).reader.read { event in
            guard case .line(let line) = event, line.kind == .frame, let frame = line.frame() else { return true }
            let text = frame.opcode == .text ? String(decoding: frame.payload, as: UTF8.self) : nil
            let type = line.eventType
            frames.append(
                ReplayFrame(
                    fromClient: frame.direction == .clientToServer, tUs: frame.tUs, type: type, text: text,
                    close: frame.opcode == .close
                        ? (frame.closeCode ?? 1000, String(decoding: frame.payload, as: UTF8.self)) : nil))
            return true
        }
        return frames
    }
}
