import Foundation
import NIOCore
import NIOHTTP1
import NIOWebSocket
import RealtimeProtocol
import RealtimeProxy
import RealtimeRecording
import RealtimeValidation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Abuse and fault cases of the recorder and `serve`.
///
/// Secrets, limits, oversized and fragmented frames, refusals. Every peer is on 127.0.0.1; counts
/// and waits are bounded.
@Suite(.serialized)
struct HardeningTests {
    // MARK: Secrets (item 6) and the upstream query (item 11)

    @Test func everyKeyBearingNameIsRedacted() {
        var removed: [String] = []
        let list = Redactor.subprotocols("realtime, OpenAI-Insecure-API-Key.sk-mixed", removed: &removed)
        #expect(!list.contains("sk-mixed"))
        let headers = Redactor.headers(
            [
                "X-Auth-Token": "v1", "x-api-key": "v2", "Ocp-Apim-Subscription-Key": "v3", "Cookie": "v4",
                "X-Goog-Signature": "v5", "Client-Secret": "v6", "User-Agent": "ua",
                "x-ratelimit-remaining-tokens": "900",
            ], removed: &removed)
        #expect(headers["user-agent"] == "ua" && headers["x-ratelimit-remaining-tokens"] == "900")
        #expect(Set(headers.values) == ["ua", "900", "REDACTED"])
        for url in [
            "wss://x/openai/realtime?api-version=1&deployment=d;api-key=sk-semi",
            "wss://x/openai/realtime?deployment=d%3Bapi-key%3Dsk-semi",
            "wss://x/a?X-Amz-Signature=sk-semi&Refresh_Token=sk-semi&my_secret=sk-semi",
        ] {
            let out = Redactor.url(url, removed: &removed)
            #expect(!out.contains("sk-semi"), "\(out)")
        }
        #expect(
            Redactor.url("wss://x/openai/realtime?deployment=d;api-key=sk-semi", removed: &removed)
                == "wss://x/openai/realtime?deployment=d;api-key=REDACTED")
        #expect(removed.contains("query:deployment;api-key") && removed.contains("header:x-auth-token"))
    }

    @Test func theRecordingHoldsNoKeyFromHeadersSubprotocolsOrAnAzureDeploymentQuery() async throws {
        let server = try await RunningSimulator.start()
        let base = WebSocketURL(secure: false, host: "127.0.0.1", port: server.listener.port, target: "/")
        let proxy = try await RunningProxy.start(.azure(base: base, deployment: nil, ga: false))
        defer { proxy.stop(); server.stop() }
        let client = try await TestClient.open(
            proxy.url("/openai/realtime?api-version=2025-04-01-preview&deployment=d;api-key=sk-secret-semi"),
            headers: [
                ("Sec-WebSocket-Protocol", "realtime, OpenAI-Insecure-API-Key.sk-secret-proto"),
                ("X-Auth-Token", "sk-secret-token"), ("x-api-key", "sk-secret-xapi"),
                ("Ocp-Apim-Subscription-Key", "sk-secret-apim"), ("Cookie", "session=sk-secret-cookie"),
            ])
        #expect(try await client.next() != nil)  // session.created
        try await client.sendClose(1000)
        _ = try await client.next()
        await client.close()
        let path = try #require(await proxy.waitForConnections(1).first?.path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("sk-secret"), "\(text.prefix(2000))")
        #expect(text.contains("REDACTED"))
    }

    @Test func upstreamModePassesTheClientsQueryOnAndRedactsItInTheRecording() async throws {
        let server = try await RunningSimulator.start { $0.requiredKey = "sk-query-key-77" }
        let proxy = try await RunningProxy.start(.url(server.url("/v1/realtime")))
        defer { proxy.stop(); server.stop() }
        let client = try await TestClient.open(proxy.url("/v1/realtime?model=m&api-key=sk-query-key-77"))
        #expect(try await client.next() != nil)  // session.created: the upstream saw the key
        try await client.sendClose(1000)
        _ = try await client.next()
        await client.close()
        let path = try #require(await proxy.waitForConnections(1).first?.path)
        let header = try headerLine(path)
        #expect(header.contains("api-key=REDACTED") && !header.contains("sk-query-key-77"))
    }

    @Test func upstreamURLParametersWinOverTheClientsOwn() throws {
        let target = UpstreamTarget.url(try #require(WebSocketURL("ws://h:1/v1/realtime?model=fixed")))
        let url = target.resolve(clientTarget: "/v1/realtime?model=other&api-key=k%2B1")?.url
        #expect(url?.target == "/v1/realtime?model=fixed&api-key=k%2B1")
    }

    // MARK: Limits (item 8)

    @Test func anIdleConnectionIsClosedAfterTheHandshakeTimeoutButAnIdleSessionIsNot() async throws {
        let echo = try await EchoUpstream.start()
        var limits = ListenerLimits()
        limits.handshakeTimeout = .milliseconds(400)
        let proxy = try await RunningProxy.start(.url(echo.url), limits: limits)
        defer { proxy.stop(); echo.stop() }
        let client = try await TestClient.open(proxy.url())
        let fd = try RawSocket.connect(port: proxy.listener.port)
        defer { close(fd) }
        #expect(RawSocket.closedByPeer(fd, within: 10))
        try await Task.sleep(for: .milliseconds(800))  // the session idles past the timeout
        try await client.sendText("still here")
        #expect(try await client.next(timeout: .seconds(10))?.bytes == Array("still here".utf8))
        await client.close()
    }

    @Test func aClientOverTheConnectionLimitGets503() async throws {
        let echo = try await EchoUpstream.start()
        var limits = ListenerLimits()
        limits.maxConnections = 2
        let proxy = try await RunningProxy.start(.url(echo.url), limits: limits)
        defer { proxy.stop(); echo.stop() }
        let idle = try [RawSocket.connect(port: proxy.listener.port), RawSocket.connect(port: proxy.listener.port)]
        try await Task.sleep(for: .milliseconds(200))  // both accepted
        guard case .refused(let status, _, _) = try await TestClient.connect(proxy.url()) else {
            Issue.record("a third connection was upgraded")
            return
        }
        #expect(status == 503)
        for fd in idle { close(fd) }
        var upgraded = false  // the slots come free once the server sees the two sockets close
        for _ in 0..<50 where !upgraded {
            if case .upgraded(let ws, _) = try await TestClient.connect(proxy.url()) {
                upgraded = true
                try? await ws.channel.close()
            } else {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        #expect(upgraded)
    }

    // MARK: Oversized frames (item 9)

    @Test func aFrameOverTheLimitIsRecordedReportedAndClosedWith1009() async throws {
        let echo = try await EchoUpstream.start()
        let events = EventLog()
        var limits = ListenerLimits()
        limits.maxFrameSize = 64 << 10
        let proxy = try await RunningProxy.start(.url(echo.url), limits: limits, observe: events.add)
        defer { proxy.stop(); echo.stop() }
        let client = try await TestClient.open(proxy.url())
        try await client.sendText(#"{"type":"response.create"}"#)
        _ = try await client.next()
        try await client.send(.binary, [UInt8](repeating: 7, count: 100_000))
        #expect(try await client.next()?.closeCode == 1009)
        await client.close()
        let path = try #require(await proxy.waitForConnections(1).first?.path)
        let frames = try recordedFrames(path)
        let errors = frames.filter { $0.opcode == .error }
        // The proxy's 1009 to the client (s2c) and to the upstream (c2s) are recorded as its own.
        let closes = frames.filter { $0.opcode == .close && $0.closeCode == 1009 }.map(\.direction)
        #expect(Set(closes) == [.serverToClient, .clientToServer])
        #expect(errors.count == 1)
        #expect(errors.first.map { String(decoding: $0.payload, as: UTF8.self) }?.contains("65536-byte limit") == true)
        #expect(try headerLine(path).contains("frames over 65536 bytes (--max-frame-size)"))
        let report = try ValidationRun.validate(path: path)
        #expect(report.findings.contains { $0.rule == "transport-error" })
        #expect(events.findingRules.contains("transport-error"))  // reported live, so the console prints it
    }

    // MARK: Fragmented messages (item 10)

    @Test func serveReassemblesAFragmentedMessageBeforeParsingIt() async throws {
        let server = try await RunningSimulator.start()
        defer { server.stop() }
        let client = try await TestClient.open(server.url())
        _ = try await client.next()  // session.created
        try await client.send(.text, Array(#"{"type":"session.update","#.utf8), fin: false)
        let rest = #""session":{"type":"realtime","instructions":"be brief"}}"#
        try await client.send(.continuation, Array(rest.utf8), fin: true)
        let answer = String(decoding: try #require(try await client.next()).bytes, as: UTF8.self)
        #expect(answer.contains(#""type":"session.updated""#), "\(answer)")
        await client.close()
    }

    // MARK: Refusals, connect failures and TLS (items 12, 18)

    @Test func aRefusedHandshakeIsReportedWhenItHappens() async throws {
        let server = try await RunningSimulator.start { $0.requiredKey = "right-key" }
        let events = EventLog()
        let proxy = try await RunningProxy.start(.url(server.url()), observe: events.add)
        defer { proxy.stop(); server.stop() }
        guard case .refused(401, _, _) = try await TestClient.connect(proxy.url(), headers: [("api-key", "wrong-9")])
        else {
            Issue.record("not refused with 401")
            return
        }
        // Already reported when the client has its answer, not only in the closing summary.
        #expect(events.refusals.contains { $0.contains("refused the upgrade with HTTP 401") })
        #expect(!events.refusals.joined().contains("wrong-9"))
    }

    @Test func anUnreachableUpstreamIsAConnectFailureNotARefusal() async throws {
        let closed = try await WebSocketListener<Int>.bind(host: "127.0.0.1", port: 0) { _ in
            .refuse(status: 500, headers: HTTPHeaders(), body: [])
        }
        let port = closed.port
        closed.close()
        try await Task.sleep(for: .milliseconds(100))
        let events = EventLog()
        let proxy = try await RunningProxy.start(
            .url(WebSocketURL(secure: false, host: "127.0.0.1", port: port, target: "/v1/realtime")),
            observe: events.add)
        defer { proxy.stop() }
        guard case .refused(502, _, let body) = try await TestClient.connect(proxy.url()) else {
            Issue.record("not answered with 502")
            return
        }
        #expect(String(decoding: body, as: UTF8.self).contains("connection refused"))
        let summary = try #require(await proxy.waitForConnections(1).first)
        #expect(summary.connectFailure?.contains("connection refused") == true)
        let header = try headerLine(try #require(summary.path))
        #expect(header.contains("could not connect") && !header.contains("refused the WebSocket upgrade"))
        #expect(events.refusals.contains { $0.contains("could not connect to the upstream") })
    }

    @Test func aClientWhoseTLSHandshakeFailsIsReported() async throws {
        let echo = try await EchoUpstream.start()
        let (cert, key) = try selfSignedCertificate()
        let events = EventLog()
        let proxy = try await RunningProxy.start(
            .url(echo.url), tls: ListenerTLS(certificateFile: cert, keyFile: key), observe: events.add)
        defer { proxy.stop(); echo.stop() }
        _ = try? await TestClient.connect(proxy.url())  // plain ws:// to a wss:// listener
        for _ in 0..<200 where events.notices.isEmpty { try await Task.sleep(for: .milliseconds(25)) }
        #expect(events.notices.contains { $0.contains("TLS handshake with") })
    }
}

/// What a recorder reported, for tests (thread-safe).
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [RecorderEvent] = []

    @Sendable func add(_ event: RecorderEvent) {
        lock.lock()
        events.append(event)
        lock.unlock()
    }

    private var all: [RecorderEvent] {
        lock.lock()
        defer { lock.unlock() }
        return events
    }

    var refusals: [String] {
        all.compactMap { if case .refused(_, let message) = $0 { message } else { nil } }
    }
    var notices: [String] {
        all.compactMap { if case .notice(let message) = $0 { message } else { nil } }
    }
    var findingRules: [String] {
        all.compactMap { if case .finding(_, let finding, _) = $0 { finding.rule } else { nil } }
    }
}

/// A raw TCP client, for connections that never speak HTTP.
enum RawSocket {
    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(connected == 0)
        return fd
    }

    /// Whether the peer closes `fd` within `seconds` (reads end of file or an error).
    static func closedByPeer(_ fd: Int32, within seconds: Double) -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, Int32(seconds * 1000)) == 1 else { return false }
        var byte: UInt8 = 0
        return read(fd, &byte, 1) <= 0
    }
}
