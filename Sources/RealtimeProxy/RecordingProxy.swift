import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import RealtimeProtocol
import RealtimeRecording
public import RealtimeValidation
import Synchronization

/// `rtscope record`: a WebSocket proxy that records every frame of every connection.
public final class RecordingProxy: Sendable {
    public struct Configuration: Sendable {
        public var target: UpstreamTarget
        public var host = "127.0.0.1"
        public var port = 8765
        /// Folder for recordings (created if missing); nil records nothing to disk.
        public var outDir: String? = "recordings"
        public var tls = UpstreamTLS()
        /// Serve `wss://` to clients with this certificate (nil: plain `ws://`).
        public var listenerTLS: ListenerTLS?
        /// A key to inject when a client sends no credentials (from the environment; never logged).
        public var injectKey: String?
        /// Split a connection's recording into parts of about this many bytes (nil: never).
        public var rotateBytes: Int64?
        /// Whether every frame is reported to the observer (findings always are).
        public var observeFrames = true
        /// How long, after the first close frame, a connection waits for the other close frames
        /// before both sides are closed.
        public var closeGrace: Duration = .seconds(5)
        /// Handshake timeout, connection limit and largest frame (see `ListenerLimits`); the frame
        /// limit applies to both sides, and a frame over it is recorded as an `error` line.
        public var limits = ListenerLimits()

        public init(target: UpstreamTarget) { self.target = target }
    }

    /// What happened to one connection, for the console's closing summary.
    public struct ConnectionSummary: Sendable {
        public let conn: String
        public let path: String?
        /// Every file of the connection (more than one with `rotateBytes`).
        public var paths: [String] = []
        public let frames: Int
        public let bytes: Int
        public let findings: [Finding]
        /// The upstream's HTTP status when it refused the upgrade (502 when it could not be reached).
        public let refusedStatus: Int?
        /// Why the upstream could not be reached (connection refused, DNS failure, timeout, TLS), when it could not.
        public var connectFailure: String? = nil
        /// The session's aggregates (responses, latency percentiles, cost) for the exit summary.
        public var session: String? = nil
        /// Frames the live validation skipped because the console fell behind (0 normally; the recording has them).
        public var liveDropped = 0
    }

    public let configuration: Configuration
    private let observe: @Sendable (RecorderEvent) -> Void
    private let summaries = NIOLockedValueBox<[ConnectionSummary]>([])
    private let live = NIOLockedValueBox<[String: ConnectionControl]>([:])

    public init(configuration: Configuration, observe: @escaping @Sendable (RecorderEvent) -> Void) {
        self.configuration = configuration
        self.observe = observe
    }

    /// The connections handled so far.
    public var connections: [ConnectionSummary] { summaries.withLockedValue { $0 } }

    /// A connection accepted by `decide`: its upstream socket and recorder.
    public struct Accepted: Sendable {
        let conn: String
        let session: RelaySession
        let recorder: ConnectionRecorder
    }

    /// Binds the listener.
    /// - Throws: when the address cannot be bound or the output folder cannot be created.
    public func bind() async throws -> WebSocketListener<Accepted> {
        if let dir = configuration.outDir {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        return try await WebSocketListener<Accepted>.bind(
            host: configuration.host, port: configuration.port, tls: configuration.listenerTLS,
            limits: configuration.limits, notice: { [observe] in observe(.notice(message: $0)) },
            // The client left mid-upgrade: close the upstream opened for it.
            abandon: { accepted in accepted.session.upstreamChannel.close(promise: nil) },
            takeOver: { [self] channel, _, accepted in try self.relay(client: channel, accepted) }
        ) {
            [self] request in await self.decide(request)
        }
    }

    /// Serves connections until the listener closes.
    public func run(_ listener: WebSocketListener<Accepted>) async throws {
        try await listener.run()
    }

    /// Starts relaying an accepted connection; when it is over, its summary is added to `connections`.
    private func relay(client: any Channel, _ accepted: Accepted) throws -> EventLoopFuture<Void> {
        live.withLockedValue { $0[accepted.conn] = ConnectionControl(session: accepted.session) }
        let done = try accepted.session.start(client: client, recorder: accepted.recorder)
        // `finish` waits for the live analysis to catch up, so it runs off the event loop.
        return done.flatMapBlocking(onto: .global()) { [self] in
            live.withLockedValue { $0[accepted.conn] = nil }
            let recorder = accepted.recorder
            let findings = recorder.finish()
            var summary = ConnectionSummary(
                conn: accepted.conn, path: recorder.path, paths: recorder.paths, frames: recorder.frames,
                bytes: recorder.payloadBytes, findings: findings, refusedStatus: nil)
            summary.session = recorder.sessionSummary
            summary.liveDropped = recorder.liveDropped
            summaries.withLockedValue { $0.append(summary) }
            observe(.closed(summary))
        }
    }

    /// Sends close frames (1001) on every live connection.
    public func closeAll() async {
        for control in live.withLockedValue({ Array($0.values) }) { await control.close() }
    }

    /// Headers that belong to one hop and are never forwarded.
    static let hopHeaders: Set<String> = [
        "host", "connection", "upgrade", "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions",
        "sec-websocket-accept", "content-length", "transfer-encoding", "keep-alive", "te", "trailer",
        "proxy-authorization", "proxy-connection",
    ]

    func decide(_ request: UpgradeRequest) async -> UpgradeDecision<Accepted> {
        let conn = Self.newConnectionID()
        guard let (url, pathDialect) = configuration.target.resolve(clientTarget: request.uri) else {
            let body =
                "rtscope record: \(request.uri.split(separator: "?").first ?? "") is not a Realtime path; connect to /openai/realtime, /openai/v1/realtime or /v1/realtime.\n"
            return .refuse(status: 404, headers: HTTPHeaders([("Content-Type", "text/plain")]), body: Array(body.utf8))
        }
        var headers = HTTPHeaders()
        for (name, value) in request.headers where !Self.hopHeaders.contains(name.lowercased()) {
            headers.add(name: name, value: value)
        }
        let subprotocols = request.headers["sec-websocket-protocol"].joined(separator: ", ")
        let hasCredentials =
            headers.contains(name: "api-key") || headers.contains(name: "authorization")
            || subprotocols.lowercased().contains(Redactor.insecureKeyPrefix)
            || url.target.lowercased().contains("api-key=")
        var redacted: [String] = []
        if !hasCredentials, let key = configuration.injectKey {
            let header = configuration.target.keyHeader(key)
            headers.replaceOrAdd(name: header.name, value: header.value)
            redacted.append("injected:\(header.name.lowercased())")
        }
        let dialect =
            pathDialect ?? DialectHints.fromHeaders(headers.lowercasedDictionary)
            ?? DialectHints.fromURL(url.target) ?? .ga
        let requestHead = HTTPHead(
            method: "GET", path: Redactor.url(url.target, removed: &redacted),
            headers: Redactor.headers(headers.lowercasedDictionary, removed: &redacted))
        let upstreamText = Redactor.url(url.description, removed: &redacted)
        let outcome: UpstreamUpgrade<RelaySession>
        do {
            outcome = try await UpstreamConnector.open(
                url, headers: headers, tls: configuration.tls, timeout: .seconds(15),
                maxFrameSize: configuration.limits.maxFrameSize, frameCodec: false, on: request.eventLoop,
                install: { [closeGrace = configuration.closeGrace, limit = configuration.limits.maxFrameSize] in
                    try RelaySession.attach(upstream: $0, closeGrace: TimeAmount(closeGrace), maxFrameSize: limit)
                })
        } catch {
            let reason = SafeText.escape(Redactor.url(Self.connectFailure(error), removed: &redacted))
            let body = "rtscope record: cannot connect to the upstream \(upstreamText): \(reason).\n"
            record(
                conn: conn, refused: 502, body: body, header: requestHead, upstream: upstreamText, dialect: dialect,
                redacted: redacted, connectFailure: reason)
            return .refuse(status: 502, headers: HTTPHeaders([("Content-Type", "text/plain")]), body: Array(body.utf8))
        }
        switch outcome {
        case .refused(let status, let responseHeaders, let body):
            var passed = HTTPHeaders()
            for (name, value) in responseHeaders where !Self.hopHeaders.contains(name.lowercased()) {
                passed.add(name: name, value: value)
            }
            record(
                conn: conn, refused: status, body: String(decoding: body.prefix(4096), as: UTF8.self),
                header: requestHead,
                upstream: upstreamText, dialect: dialect, redacted: redacted,
                responseHeaders: responseHeaders.lowercasedDictionary)
            return .refuse(status: status, headers: passed, body: body)
        case .upgraded(let session, let response):
            let protocolChosen = response.headers["sec-websocket-protocol"].first
            let handshake = Handshake(
                request: requestHead,
                response: HTTPHead(
                    status: Int(response.status.code),
                    headers: Redactor.headers(response.headers.lowercasedDictionary, removed: &redacted)),
                subprotocol: protocolChosen.map { Redactor.subprotocols($0, removed: &redacted) })
            let header = RecordingHeader(
                created: RecordingFormat.wallClock(Date()), source: "proxy", conn: conn, upstream: upstreamText,
                dialect: dialect, handshake: handshake, redacted: redacted.isEmpty ? nil : redacted,
                note:
                    "Recorded by rtscope record; frames over \(configuration.limits.maxFrameSize) bytes "
                    + "(--max-frame-size) are not forwarded and appear as op \"error\" lines.")
            do {
                let recorder = try ConnectionRecorder(
                    conn: conn, path: path(for: conn), header: header, observeFrames: configuration.observeFrames,
                    rotateBytes: configuration.rotateBytes, maxMessageBytes: configuration.limits.maxFrameSize,
                    observe: observe)
                var accept = HTTPHeaders()
                if let protocolChosen { accept.add(name: "Sec-WebSocket-Protocol", value: protocolChosen) }
                return .accept(Accepted(conn: conn, session: session, recorder: recorder), headers: accept)
            } catch {
                try? await session.upstreamChannel.close()
                let body = "rtscope record: \(error)\n"
                return .refuse(
                    status: 500, headers: HTTPHeaders([("Content-Type", "text/plain")]), body: Array(body.utf8))
            }
        }
    }

    /// Writes a recording of a refused upgrade (header only: status, headers and body) and reports
    /// it at once; `connectFailure` says why the upstream could not be reached, when it could not.
    private func record(
        conn: String, refused status: Int, body: String, header requestHead: HTTPHead, upstream: String,
        dialect: Dialect?, redacted: [String], responseHeaders: [String: String] = [:], connectFailure: String? = nil
    ) {
        var redacted = redacted
        let response = HTTPHead(
            status: status, headers: Redactor.headers(responseHeaders, removed: &redacted), body: body)
        let header = RecordingHeader(
            created: RecordingFormat.wallClock(Date()), source: "proxy", conn: conn, upstream: upstream,
            dialect: dialect,
            handshake: Handshake(request: requestHead, response: response), redacted: redacted.isEmpty ? nil : redacted,
            note: connectFailure.map {
                "rtscope could not connect to the upstream (\($0)); the client got HTTP \(status)."
            } ?? "The upstream refused the WebSocket upgrade with HTTP \(status); the client got the same answer.")
        let file = path(for: conn)
        var written: String?
        if let file, (try? RecordingWriter(path: file, header: header)) != nil { written = file }
        var summary = ConnectionSummary(
            conn: conn, path: written, frames: 0, bytes: 0, findings: [], refusedStatus: status)
        summary.connectFailure = connectFailure
        summaries.withLockedValue { $0.append(summary) }
        let what =
            connectFailure.map { "could not connect to the upstream \(upstream): \($0); the client got HTTP \(status)" }
            ?? "the upstream refused the upgrade with HTTP \(status); the client got the same answer"
        observe(.refused(conn: conn, message: what + (written.map { " (recorded in \($0))" } ?? "")))
    }

    /// Why a connection to the upstream failed, in words: connection refused, a host name that does
    /// not resolve, a timeout, a TLS failure (else the error's own description).
    static func connectFailure(_ error: any Error) -> String {
        switch error {
        case ChannelError.connectTimeout(let limit):
            return "no answer within \(limit.nanoseconds / 1_000_000_000) s (connect timed out)"
        case let error as NIOConnectionError:
            if let first = error.connectionErrors.first { return connectFailure(first.error) }
            return "the host name \(error.host) could not be resolved (DNS lookup failed)"
        case let error as IOError:
            switch error.errnoCode {
            case ECONNREFUSED: return "connection refused (nothing listens on that port)"
            case ETIMEDOUT: return "connect timed out"
            case EHOSTUNREACH, ENETUNREACH:
                return "the host cannot be reached (\(String(cString: strerror(error.errnoCode))))"
            default: return String(cString: strerror(error.errnoCode))
            }
        case let error as NIOSSLError:
            return "the TLS handshake failed (\(error))"
        default:
            return "\(error)"
        }
    }

    /// `DIR/YYYYMMDD-HHMMSS-<conn>.jsonl`: time and connection id only, nothing from the client.
    private func path(for conn: String) -> String? {
        guard let dir = configuration.outDir else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return (dir as NSString).appendingPathComponent("\(formatter.string(from: Date()))-\(conn).jsonl")
    }

    /// Six hex digits: a random start, then one up per connection, so ids (and the file names made
    /// from them) never repeat within a process, and two processes rarely share one.
    static func newConnectionID() -> String {
        let n = nextConnection.wrappingAdd(1, ordering: .relaxed).oldValue & 0xFF_FFFF
        return String(n, radix: 16).leftPadded(to: 6)
    }
    private static let nextConnection = Atomic<UInt32>(UInt32.random(in: 0...0xFF_FFFF))
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
