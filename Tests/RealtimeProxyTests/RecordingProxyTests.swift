import Foundation
import NIOCore
import NIOHTTP1
import NIOWebSocket
import RealtimeProtocol
import RealtimeProxy
import RealtimeRecording
import RealtimeSimulation
import RealtimeValidation
import Testing

@Suite(.serialized)
struct RecordingProxyTests {
    @Test func framesPassUnchangedBothWaysAndAreRecordedInOrder() async throws {
        let echo = try await EchoUpstream.start()
        let proxy = try await RunningProxy.start(.url(echo.url))
        defer { proxy.stop(); echo.stop() }
        guard
            case .upgraded(let ws, let response) = try await TestClient.connect(
                proxy.url(), headers: [("Sec-WebSocket-Protocol", "realtime")])
        else { Issue.record("not upgraded"); return }
        #expect(response.headers["sec-websocket-protocol"] == ["realtime"])
        let client = TestClient(ws, response: response)
        let big = [UInt8]((0..<(16 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        try await client.sendText(#"{"type":"session.update","session":{}}"#)
        try await client.send(.binary, big)
        try await client.send(.ping, [1, 2, 3])
        try await client.sendText("not json {")
        #expect(try await client.next()?.bytes == Array(#"{"type":"session.update","session":{}}"#.utf8))
        #expect(try await client.next()?.bytes == big)
        let pong = try await client.next()
        #expect(pong?.opcode == .ping && pong?.bytes == [1, 2, 3])
        #expect(try await client.next()?.bytes == Array("not json {".utf8))
        try await client.sendClose(4001, "client done")
        let close = try await client.next()
        #expect(close?.closeCode == 4001)
        await client.close()
        let summaries = await proxy.waitForConnections(1)
        let path = try #require(summaries.first?.path)
        let frames = try recordedFrames(path)
        // Each direction in order (the two directions interleave as the echo races the large send).
        for direction in [Direction.clientToServer, .serverToClient] {
            let side = frames.filter { $0.direction == direction }
            #expect(side.map(\.opcode) == [.text, .binary, .ping, .text, .close])
            #expect(side[1].payload == big)
            #expect(side[3].payload == Array("not json {".utf8))
            #expect(side[4].closeCode == 4001)
        }
        #expect(frames.map(\.seq) == Array(1...10))
    }

    @Test func fragmentedMessagesPassAsTheirFramesAndAreRecordedAsOneMessage() async throws {
        let (echo, proxy, client) = try await TestClient.throughEcho()
        defer { proxy.stop(); echo.stop() }
        try await client.send(.text, Array(#"{"type":"input_audio_buffer.append","#.utf8), fin: false)
        try await client.send(.continuation, Array(#""audio":""}"#.utf8), fin: true)
        let first = try #require(try await client.next())
        let second = try #require(try await client.next())
        #expect(first.opcode == .text && !first.fin && second.opcode == .continuation && second.fin)
        try await client.sendClose(1000)
        _ = try await client.next()
        await client.close()
        let path = try #require(await proxy.waitForConnections(1).first?.path)
        let frames = try recordedFrames(path)
        for direction in [Direction.clientToServer, .serverToClient] {
            let side = frames.filter { $0.direction == direction }
            #expect(side.map(\.opcode) == [.text, .close])
            #expect(side.first?.fin == true)
            #expect(side.first?.payload == Array(#"{"type":"input_audio_buffer.append","audio":""}"#.utf8))
        }
        let report = try ValidationRun.validate(path: path)
        #expect(!report.findings.contains { $0.rule == "event-not-json-object" })
    }

    @Test func aServerCloseCodeReachesTheClient() async throws {
        let (echo, proxy, client) = try await TestClient.throughEcho()
        defer { proxy.stop(); echo.stop() }
        try await client.sendText("close:4002")
        #expect(try await client.next()?.closeCode == 4002)
        try await client.sendClose(4002)
        await client.close()
        let path = try #require(await proxy.waitForConnections(1).first?.path)
        #expect(try recordedFrames(path).compactMap(\.closeCode) == [4002, 4002])
    }

    @Test func anUpstreamDropEndsTheClientConnectionAndKeepsWhatWasRecorded() async throws {
        let (echo, proxy, client) = try await TestClient.throughEcho()
        defer { proxy.stop(); echo.stop() }
        try await client.sendText(#"{"type":"response.create"}"#)
        _ = try await client.next()
        try await client.sendText("drop")
        let after = try? await client.next()
        #expect(after == nil)  // the connection ended without a close frame, as upstream's did
        let path = try #require(await proxy.waitForConnections(1).first?.path)
        #expect(try recordedFrames(path).count == 3)
    }

    @Test func aClientDropIsRecordedAndClosesTheUpstream() async throws {
        let (echo, proxy, client) = try await TestClient.throughEcho()
        defer { proxy.stop(); echo.stop() }
        try await client.sendText(#"{"type":"response.create"}"#)
        _ = try await client.next()
        await client.close()
        let summaries = await proxy.waitForConnections(1)
        #expect(summaries.first?.frames == 2)
    }

    @Test func anUpstreamRefusalReachesTheClientAsTheSameStatusAndIsRecorded() async throws {
        let server = try await RunningSimulator.start { $0.requiredKey = "right-key" }
        let proxy = try await RunningProxy.start(.url(server.url()))
        defer { proxy.stop(); server.stop() }
        let outcome = try await TestClient.connect(proxy.url(), headers: [("api-key", "wrong-key-12345")])
        guard case .refused(let status, _, let body) = outcome else { Issue.record("upgraded"); return }
        #expect(status == 401)
        #expect(String(decoding: body, as: UTF8.self).contains("invalid_api_key"))
        let summary = try #require(await proxy.waitForConnections(1).first)
        #expect(summary.refusedStatus == 401)
        let header = try headerLine(try #require(summary.path))
        #expect(header.contains(#""status":401"#) && header.contains("invalid_api_key"))
        #expect(!header.contains("wrong-key-12345"))
    }

    @Test func secretsNeverReachTheRecordingAndAMissingKeyIsInjected() async throws {
        let server = try await RunningSimulator.start { $0.requiredKey = "sk-injected-secret-42" }
        let proxy = try await RunningProxy.start(
            .url(server.url("/v1/realtime?model=m")), injectKey: "sk-injected-secret-42")
        defer { proxy.stop(); server.stop() }
        // No credentials from the client: the proxy injects its key and the upstream accepts.
        guard case .upgraded(let ws, let response) = try await TestClient.connect(proxy.url()) else {
            Issue.record("injection failed")
            return
        }
        let client = TestClient(ws, response: response)
        #expect(try await client.next() != nil)  // session.created
        try await client.sendClose(1000)
        _ = try await client.next()
        await client.close()
        // With the browser's subprotocol key and a query key: passed upstream, never recorded.
        let browser = try await TestClient.connect(
            proxy.url("/v1/realtime?model=m&api-key=sk-injected-secret-42"),
            headers: [("Sec-WebSocket-Protocol", "realtime, openai-insecure-api-key.sk-injected-secret-42")])
        if case .upgraded(let ws2, let r2) = browser {
            let c2 = TestClient(ws2, response: r2)
            _ = try await c2.next()
            try await c2.sendClose(1000)
            _ = try await c2.next()
            await c2.close()
        } else {
            Issue.record("browser-style client refused")
        }
        let summaries = await proxy.waitForConnections(2)
        #expect(summaries.count == 2)
        for path in proxy.recordings() {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(!text.contains("sk-injected-secret-42"), "secret in \(path)")
            #expect(text.contains("REDACTED"))
        }
    }

    @Test func fiftyConcurrentSessionsLoseNothing() async throws {
        let echo = try await EchoUpstream.start()
        let proxy = try await RunningProxy.start(.url(echo.url))
        defer { proxy.stop(); echo.stop() }
        let url = proxy.url()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for session in 0..<50 {
                group.addTask {
                    let client = try await TestClient.open(url)
                    for k in 0..<20 { try await client.sendText(#"{"type":"x","session":\#(session),"k":\#(k)}"#) }
                    for _ in 0..<20 { _ = try await client.next() }
                    try await client.sendClose(1000)
                    _ = try await client.next()
                    await client.close()
                }
            }
            try await group.waitForAll()
        }
        let summaries = await proxy.waitForConnections(50)
        #expect(summaries.count == 50)
        #expect(Set(summaries.map(\.conn)).count == 50 && Set(summaries.compactMap(\.path)).count == 50)
        var sessionsSeen = Set<Int>()
        for summary in summaries {
            let frames = try recordedFrames(try #require(summary.path))
            let sent = frames.filter { $0.direction == .clientToServer && $0.opcode == .text }
            let echoed = frames.filter { $0.direction == .serverToClient && $0.opcode == .text }
            let ks = sent.compactMap { try? JSONSerialization.jsonObject(with: Data($0.payload)) as? [String: Any] }
            #expect(ks.compactMap { $0["k"] as? Int } == Array(0..<20))
            #expect(echoed.map(\.payload) == sent.map(\.payload))
            if let s = ks.first?["session"] as? Int { sessionsSeen.insert(s) }
        }
        #expect(sessionsSeen.count == 50)
    }

    @Test func theProxyServesWSSWithALocalCertificateAndTheCAFileIsTrusted() async throws {
        let (cert, key) = try selfSignedCertificate()
        let echo = try await EchoUpstream.start()
        let proxy = try await RunningProxy.start(.url(echo.url), tls: ListenerTLS(certificateFile: cert, keyFile: key))
        defer { proxy.stop(); echo.stop() }
        var url = proxy.url()
        url.secure = true
        url.host = "localhost"
        // Without trusting the certificate the TLS handshake fails ...
        await #expect(throws: (any Error).self) { _ = try await UpstreamConnector.connect(url, headers: [:]) }
        // ... with --ca-file it works, and frames pass.
        let outcome = try await UpstreamConnector.connect(url, headers: [:], tls: UpstreamTLS(caFile: cert))
        guard case .upgraded(let ws, let response) = outcome else { Issue.record("not upgraded"); return }
        let client = TestClient(ws, response: response)
        try await client.sendText(#"{"type":"response.create"}"#)
        #expect(try await client.next()?.bytes == Array(#"{"type":"response.create"}"#.utf8))
        try await client.sendClose(1000)
        _ = try await client.next()
        await client.close()
        #expect(await proxy.waitForConnections(1).first?.frames == 4)
    }

    @Test func aPathThatIsNotRealtimeIsRefusedWithAHint() async throws {
        let echo = try await EchoUpstream.start()
        let proxy = try await RunningProxy.start(.url(echo.url))
        defer { proxy.stop(); echo.stop() }
        guard case .refused(let status, _, let body) = try await TestClient.connect(proxy.url("/../../etc/passwd"))
        else {
            Issue.record("upgraded")
            return
        }
        #expect(status == 404)
        #expect(String(decoding: body, as: UTF8.self).contains("not a Realtime path"))
        #expect(proxy.recordings().isEmpty)
    }

    @Test(arguments: [Dialect.beta, .ga])
    func theDemoThroughTheRecorderValidatesClean(_ dialect: Dialect) async throws {
        let server = try await RunningSimulator.start { $0.options.deltaIntervalMs = 2 }
        let path =
            dialect == .ga
            ? "/openai/v1/realtime?model=x" : "/openai/realtime?api-version=2025-04-01-preview&deployment=x"
        let proxy = try await RunningProxy.start(.azure(base: server.url("/"), deployment: "gpt-x", ga: dialect == .ga))
        defer { proxy.stop(); server.stop() }
        let script = ClientScript.demo(dialect: dialect)
        try await ScriptedClient.run(script, url: proxy.url(path), headers: [], timeout: .seconds(30))
        let summary = try #require(await proxy.waitForConnections(1).first)
        let report = try ValidationRun.validate(path: try #require(summary.path))
        #expect(report.dialect == dialect)
        #expect(report.findings.map { "\($0.rule): \($0.message)" } == [])
        #expect(report.frames > 100)
        let header = try headerLine(try #require(summary.path))
        #expect(header.contains(dialect == .ga ? "/openai/v1/realtime?model=gpt-x" : "deployment=gpt-x"))
    }
}

struct UpstreamTargetTests {
    @Test func azurePreviewKeepsTheClientsAPIVersionAndTheCommandLinesDeployment() throws {
        let base = try #require(WebSocketURL("https://myres.openai.azure.com"))
        let resolved = try #require(
            UpstreamTarget.azure(base: base, deployment: "dep", ga: false)
                .resolve(clientTarget: "/openai/realtime?api-version=2024-10-01-preview&deployment=other"))
        #expect(
            resolved.url.description
                == "wss://myres.openai.azure.com/openai/realtime?api-version=2024-10-01-preview&deployment=dep")
        #expect(resolved.dialect == .beta)
    }

    @Test func azureGAUsesTheV1Path() throws {
        let base = try #require(WebSocketURL("https://myres.openai.azure.com"))
        let resolved = try #require(
            UpstreamTarget.azure(base: base, deployment: "gpt-realtime", ga: true).resolve(
                clientTarget: "/openai/v1/realtime?model=x"))
        #expect(resolved.url.description == "wss://myres.openai.azure.com/openai/v1/realtime?model=gpt-realtime")
    }

    @Test func openAIFallsBackToTheClientsModelAndTheHostIsNeverTheClients() throws {
        let resolved = try #require(
            UpstreamTarget.openai(model: nil).resolve(clientTarget: "/v1/realtime?model=gpt-4o-realtime-preview"))
        #expect(resolved.url.description == "wss://api.openai.com/v1/realtime?model=gpt-4o-realtime-preview")
        #expect(UpstreamTarget.openai(model: nil).resolve(clientTarget: "/v1/chat/completions") == nil)
        let evil = try #require(UpstreamTarget.openai(model: "m").resolve(clientTarget: "//evil.example/v1/realtime"))
        #expect(evil.url.host == "api.openai.com")
    }
}

struct RotationTests {
    @Test func aLongConnectionIsSplitIntoPartsAndNoFrameIsLost() async throws {
        let echo = try await EchoUpstream.start()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rotate-\(UUID().uuidString)").path
        var configuration = RecordingProxy.Configuration(target: .url(echo.url))
        configuration.port = 0
        configuration.outDir = folder
        configuration.rotateBytes = 200_000
        configuration.closeGrace = .seconds(60)  // the echo answers the close, however busy the run
        let proxy = RecordingProxy(configuration: configuration) { _ in }
        let listener = try await proxy.bind()
        let task = Task<Void, Never> { try? await proxy.run(listener) }
        defer {
            listener.close()
            task.cancel()
            echo.stop()
            try? FileManager.default.removeItem(atPath: folder)
        }
        let client = try await TestClient.open(
            WebSocketURL(secure: false, host: "127.0.0.1", port: listener.port, target: "/v1/realtime"))
        let chunk = String(repeating: "A", count: 20_000)
        for k in 0..<30 {
            try await client.sendText(#"{"type":"input_audio_buffer.append","k":\#(k),"audio":"\#(chunk)"}"#)
            _ = try await client.next()
        }
        try await client.sendClose(1000)
        _ = try await client.next()
        await client.close()
        var summaries: [RecordingProxy.ConnectionSummary] = []
        for _ in 0..<300 where summaries.isEmpty {
            summaries = proxy.connections
            try await Task.sleep(for: .milliseconds(10))
        }
        let paths = try #require(summaries.first?.paths)
        #expect(paths.count >= 3)
        var seqs: [Int] = []
        for (n, path) in paths.enumerated() {
            let header = try headerLine(path)
            if n > 0 {
                #expect(header.contains(#""part":\#(n + 1)"#))
                #expect(header.contains((paths[n - 1] as NSString).lastPathComponent))
            }
            seqs += try recordedFrames(path).map(\.seq)
        }
        #expect(seqs == Array(1...62))  // 30 appends + 30 echoes + 2 close frames, each exactly once
    }
}

struct ReplayServerTests {
    /// Records the demo against the simulated server, then serves that recording with `--replay`
    /// semantics and runs the same client against it: it finishes and gets the recorded events.
    @Test func aRecordingReplayedByServeAnswersTheSameClient() async throws {
        let server = try await RunningSimulator.start { $0.options.deltaIntervalMs = 1 }
        let proxy = try await RunningProxy.start(.url(server.url()))
        defer { proxy.stop(); server.stop() }
        try await ScriptedClient.run(
            ClientScript.demo(dialect: .ga), url: proxy.url(), headers: [], timeout: .seconds(30))
        let recording = try #require(await proxy.waitForConnections(1).first?.path)

        let replayServer = try await RunningSimulator.start {
            $0.replay = try SimulatorServer.replayFrames(from: recording)
            $0.replaySpeed = 0
        }
        defer { replayServer.stop() }
        let script = ClientScript.demo(dialect: .ga)
        try await ScriptedClient.run(script, url: replayServer.url(), headers: [], timeout: .seconds(30))
        #expect(script.finished)
        let recordedTypes = try recordedFrames(recording).filter {
            $0.direction == .serverToClient && $0.opcode == .text
        }
        .compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.payload)) as? [String: Any])?["type"] as? String
        }
        #expect(script.seen == recordedTypes)
    }
}

struct AbandonedUpgradeTests {
    /// Sends an upgrade request on a raw socket and closes it at once.
    static func knockAndLeave(port: Int) throws {
        let fd = try RawSocket.connect(port: port)
        defer { close(fd) }
        let request =
            "GET /v1/realtime?model=m HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        _ = request.withCString { write(fd, $0, strlen($0)) }
    }

    @Test func aClientThatLeavesDuringTheUpstreamHandshakeDoesNotLeaveTheUpstreamOpen() async throws {
        let ended = NIOLockedValueBoxForTests(0)
        let upstream = try await WebSocketListener<Int>.bind(host: "127.0.0.1", port: 0) { _ in
            try? await Task.sleep(for: .milliseconds(300))  // a slow upstream
            return .accept(0, headers: HTTPHeaders())
        }
        let upstreamTask = Task<Void, Never> {
            try? await upstream.run { ws, _, _ in
                try? await ws.executeThenClose { inbound, _ in for try await _ in inbound {} }
                ended.increment()
            }
        }
        let proxy = try await RunningProxy.start(
            .url(WebSocketURL(secure: false, host: "127.0.0.1", port: upstream.port, target: "/v1/realtime")))
        defer { proxy.stop(); upstream.close(); upstreamTask.cancel() }
        try Self.knockAndLeave(port: proxy.listener.port)
        // Up to 30 s: under load the slow upstream's handshake alone can take seconds.
        for _ in 0..<3000 where ended.value == 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(ended.value == 1)  // the proxy closed the upstream connection it had opened
    }
}

/// A counter shared with NIO tasks in tests.
final class NIOLockedValueBoxForTests: @unchecked Sendable {
    private let lock = NSLock()
    private var count: Int
    init(_ count: Int) { self.count = count }
    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
    func increment() {
        lock.lock()
        count += 1
        lock.unlock()
    }
}
