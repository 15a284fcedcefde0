import Foundation
import NIOCore
import NIOHTTP1
import NIOWebSocket
import RealtimeProxy
import RealtimeRecording
import RealtimeSimulation

/// A test upstream that echoes every frame; text "close:CODE" makes it close with CODE and
/// "drop" makes it drop the TCP connection without a close frame.
struct EchoUpstream {
    let listener: WebSocketListener<Int>
    let task: Task<Void, Never>

    static func start() async throws -> EchoUpstream {
        let listener = try await WebSocketListener<Int>.bind(host: "127.0.0.1", port: 0) { request in
            var headers = HTTPHeaders()
            if request.headers["sec-websocket-protocol"].first?.contains("realtime") == true {
                headers.add(name: "Sec-WebSocket-Protocol", value: "realtime")
            }
            return .accept(1, headers: headers)
        }
        let task = Task<Void, Never> {
            try? await listener.run { ws, _, _ in
                try? await ws.executeThenClose { inbound, outbound in
                    for try await frame in inbound {
                        var data = frame.unmaskedData
                        if frame.opcode == .text, let text = data.readString(length: data.readableBytes) {
                            if text == "drop" {
                                try await ws.channel.close()
                                return
                            }
                            if text.hasPrefix("close:"), let code = UInt16(text.dropFirst(6)) {
                                var payload = ByteBuffer()
                                payload.writeInteger(code)
                                payload.writeString("bye")
                                try await outbound.write(
                                    WebSocketFrame(fin: true, opcode: .connectionClose, data: payload))
                                continue
                            }
                        }
                        try await outbound.write(
                            WebSocketFrame(fin: frame.fin, opcode: frame.opcode, data: frame.unmaskedData))
                        if frame.opcode == .connectionClose { return }
                    }
                }
            }
        }
        return EchoUpstream(listener: listener, task: task)
    }

    var url: WebSocketURL {
        WebSocketURL(secure: false, host: "127.0.0.1", port: listener.port, target: "/v1/realtime?model=echo")
    }

    func stop() {
        listener.close()
        task.cancel()
    }
}

/// A simulated Realtime server (`rtscope serve`) on a free loopback port.
struct RunningSimulator {
    let listener: WebSocketListener<SimulatorServer.Accepted>
    let task: Task<Void, Never>

    /// Starts a server with `configure` applied to a default configuration (the port is always a free one).
    static func start(_ configure: (inout SimulatorServer.Configuration) throws -> Void = { _ in }) async throws
        -> RunningSimulator
    {
        var configuration = SimulatorServer.Configuration()
        try configure(&configuration)
        configuration.port = 0
        let server = SimulatorServer(configuration: configuration)
        let listener = try await server.bind()
        return RunningSimulator(listener: listener, task: Task { try? await server.run(listener) })
    }

    func url(_ target: String = "/v1/realtime") -> WebSocketURL {
        WebSocketURL(secure: false, host: "127.0.0.1", port: listener.port, target: target)
    }

    func stop() {
        listener.close()
        task.cancel()
    }
}

/// A running recorder in front of some upstream, writing to a fresh temporary folder.
struct RunningProxy {
    let proxy: RecordingProxy
    let listener: WebSocketListener<RecordingProxy.Accepted>
    let task: Task<Void, Never>
    let folder: String

    /// Starts a proxy in front of `target`.
    ///
    /// Its close grace is long by default: the peers run on the test process's shared pool, which a
    /// busy parallel run can hold up for seconds.
    static func start(
        _ target: UpstreamTarget, injectKey: String? = nil, tls: ListenerTLS? = nil,
        closeGrace: Duration = .seconds(60), limits: ListenerLimits = ListenerLimits(),
        observe: @escaping @Sendable (RecorderEvent) -> Void = { _ in }
    ) async throws -> RunningProxy {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("proxy-\(UUID().uuidString)").path
        var configuration = RecordingProxy.Configuration(target: target)
        configuration.port = 0
        configuration.outDir = folder
        configuration.injectKey = injectKey
        configuration.listenerTLS = tls
        configuration.closeGrace = closeGrace
        configuration.limits = limits
        let proxy = RecordingProxy(configuration: configuration, observe: observe)
        let listener = try await proxy.bind()
        let task = Task<Void, Never> { try? await proxy.run(listener) }
        return RunningProxy(proxy: proxy, listener: listener, task: task, folder: folder)
    }

    func url(_ target: String = "/v1/realtime?model=gpt-realtime") -> WebSocketURL {
        WebSocketURL(secure: false, host: "127.0.0.1", port: listener.port, target: target)
    }

    /// Waits until `count` connections have finished.
    func waitForConnections(_ count: Int) async -> [RecordingProxy.ConnectionSummary] {
        for _ in 0..<500 where proxy.connections.count < count { try? await Task.sleep(for: .milliseconds(10)) }
        return proxy.connections
    }

    func recordings() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted().map { folder + "/" + $0 }
    }

    func stop() {
        listener.close()
        task.cancel()
        try? FileManager.default.removeItem(atPath: folder)
    }
}

/// A minimal client: connect, send frames, read frames with one iterator.
final class TestClient: @unchecked Sendable {
    let ws: WebSocketChannel
    let response: HTTPResponseHead
    private var inbound: NIOAsyncChannelInboundStream<WebSocketFrame>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>

    init(_ ws: WebSocketChannel, response: HTTPResponseHead) {
        self.ws = ws
        self.response = response
        inbound = ws.inbound.makeAsyncIterator()
        outbound = ws.outbound
    }

    struct NotUpgraded: Error {}

    /// Connects and expects an upgrade (throws otherwise, so the test fails).
    static func open(_ url: WebSocketURL, headers: [(String, String)] = []) async throws -> TestClient {
        guard case .upgraded(let ws, let response) = try await connect(url, headers: headers) else {
            throw NotUpgraded()
        }
        return TestClient(ws, response: response)
    }

    /// An echo upstream, a recorder in front of it, and a client connected through it.
    static func throughEcho() async throws -> (EchoUpstream, RunningProxy, TestClient) {
        let echo = try await EchoUpstream.start()
        let proxy = try await RunningProxy.start(.url(echo.url))
        return (echo, proxy, try await open(proxy.url()))
    }

    static func connect(_ url: WebSocketURL, headers: [(String, String)] = []) async throws -> UpstreamConnection {
        try await UpstreamConnector.connect(url, headers: HTTPHeaders(headers))
    }

    func send(_ opcode: WebSocketOpcode, _ bytes: [UInt8], fin: Bool = true) async throws {
        try await outbound.write(
            WebSocketFrame(fin: fin, opcode: opcode, maskKey: .random(), data: ByteBuffer(bytes: bytes)))
    }

    func sendText(_ text: String) async throws { try await send(.text, Array(text.utf8)) }

    func sendClose(_ code: UInt16, _ reason: String = "") async throws {
        var payload = ByteBuffer()
        payload.writeInteger(code)
        payload.writeString(reason)
        try await outbound.write(WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: payload))
    }

    /// The next frame, or nil when the connection ended; after `timeout` the connection is closed,
    /// so a stuck proxy fails the test instead of hanging the run.
    func next(timeout: Duration = .seconds(60)) async throws -> WebSocketFrame? {
        let channel = ws.channel
        let timer = Task {
            try await Task.sleep(for: timeout)
            try await channel.close()
        }
        defer { timer.cancel() }
        return try await inbound.next()
    }

    func close() async { try? await ws.channel.close() }
}

extension WebSocketFrame {
    var bytes: [UInt8] {
        var data = unmaskedData
        return data.readBytes(length: data.readableBytes) ?? []
    }

    var closeCode: Int? {
        let b = bytes
        return opcode == .connectionClose && b.count >= 2 ? Int(b[0]) << 8 | Int(b[1]) : nil
    }
}

/// Reads a recording's frames (header skipped).
func recordedFrames(_ path: String) throws -> [Frame] {
    var frames: [Frame] = []
    let reader = RecordingReader(source: try FileSource(path: path))
    try reader.read { event in
        if case .line(let line) = event, line.kind == .frame, let frame = line.frame() { frames.append(frame) }
        return true
    }
    return frames
}

/// The header line of a recording, as text.
func headerLine(_ path: String) throws -> String {
    String(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").first ?? "")
}

/// A self-signed certificate for `localhost` / 127.0.0.1, made with openssl in a temporary folder.
func selfSignedCertificate() throws -> (cert: String, key: String) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
        "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", dir + "/key.pem", "-out", dir + "/cert.pem",
    ]
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return (dir + "/cert.pem", dir + "/key.pem")
}
