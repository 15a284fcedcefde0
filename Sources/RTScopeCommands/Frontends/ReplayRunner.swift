import ArgumentParser
import Foundation
import RealtimeProtocol
import RealtimeProxy
import RealtimeRecording
import RealtimeSimulation

/// Carries out `rtscope replay` (and each replay of `rtscope test`): read the baseline's frames,
/// start the upstream (the in-process simulator for `--serve`), put the recorder in front of it,
/// drive a `ClientReplay` through the recorder, and move the new recording beside the baseline.
enum ReplayRunner {
    /// Where the new session goes.
    enum Upstream {
        /// The built-in simulated server, in process, with these faults.
        case serve(faults: [Fault])
        /// A real or simulated endpoint, through the recorder like `rtscope record`.
        case target(UpstreamTarget)
    }

    struct Options {
        var replay = ClientReplay.Options()
        /// The whole replay's limit.
        var timeout: Duration = .seconds(300)
        /// The new recording's path (default: BASELINE.replay.jsonl beside the baseline).
        var out: String?
        /// No recorder console on standard output (per-response lines, findings): `test` prints its summary there.
        var quiet = false
    }

    /// The baseline's frames and the path and headers its client connected with.
    struct Baseline {
        let frames: [ReplayFrame]
        let path: String
        let headers: [(String, String)]
    }

    /// Reads a baseline, or says in one sentence why it cannot be replayed (65, 66).
    static func baseline(_ file: String) throws -> Baseline {
        var frames: [ReplayFrame] = []
        let header: RecordingHeader?
        do {
            frames = try SimulatorServer.replayFrames(from: file)
            let reader = try RecordingInput.open(file).reader
            try reader.read { event in
                if case .line(let line) = event, line.kind == .frame { return false }
                return true
            }
            header = reader.header
        } catch let error as RecordingError {
            Diagnostics.print("rtscope: \(error)")
            throw ExitCodes.code(for: error)
        }
        guard frames.contains(where: { $0.fromClient && $0.text != nil }) else {
            Diagnostics.print(
                "rtscope replay: \(file): nothing to replay: the recording holds no client events (a WebRTC or server-side capture records only the server)."
            )
            throw ExitCodes.notARecording
        }
        let request = header?.handshake?.request
        let dialect = header?.dialect ?? .beta
        let path =
            request?.path.flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? (dialect == .ga
                ? "/v1/realtime?model=gpt-realtime"
                : "/openai/realtime?api-version=2025-04-01-preview&deployment=gpt-4o-realtime-preview")
        var headers = [("User-Agent", "rtscope-replay")]
        if let beta = request?.headers["openai-beta"] { headers.append(("OpenAI-Beta", beta)) }
        return Baseline(frames: frames, path: path, headers: headers)
    }

    /// The default path of a baseline's replay: `NAME.replay.jsonl` beside it.
    static func replayPath(of baseline: String) -> String {
        let stem = baseline.hasSuffix(".jsonl") ? String(baseline.dropLast(6)) : baseline
        return stem + ".replay.jsonl"
    }

    /// The recorder console of `test`: standard output is its summary, so only a lost recording is said.
    static let quietConsole: @Sendable (RecorderEvent) -> Void = { event in
        guard case .failure = event, let text = LiveConsole.text(for: event, quiet: true) else { return }
        Diagnostics.print(text)
    }

    /// Binds a loopback listener, or says in one sentence that it cannot (exit 69).
    static func listen<T>(_ what: String, _ bind: () async throws -> T) async throws -> T {
        do {
            return try await bind()
        } catch {
            Diagnostics.print("rtscope replay: \(what) cannot listen on 127.0.0.1: \(error).")
            throw ExitCodes.cannotListen
        }
    }

    /// Replays `file`; returns the new recording's path.
    static func run(_ file: String, upstream: Upstream, options: Options) async throws -> String {
        let baseline = try baseline(file)
        let destination = options.out ?? replayPath(of: file)
        let folder = (destination as NSString).deletingLastPathComponent
        let work = ((folder.isEmpty ? "." : folder) as NSString).appendingPathComponent(
            ".rtscope-replay-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        try RecordCommandRunner.makeOutputFolder(work)
        defer { try? FileManager.default.removeItem(atPath: work) }

        var server: SimulatorServer?
        var serverListener: WebSocketListener<SimulatorServer.Accepted>?
        let target: UpstreamTarget
        switch upstream {
        case .serve(let faults):
            var configuration = SimulatorServer.Configuration()
            configuration.port = 0
            configuration.options.faults = Set(faults)
            let simulator = SimulatorServer(configuration: configuration)
            let listener = try await listen("the simulated server") { try await simulator.bind() }
            (server, serverListener) = (simulator, listener)
            guard let url = WebSocketURL("ws://127.0.0.1:\(listener.port)\(baseline.path)") else {
                throw ExitCodes.usage
            }
            target = .url(url)
        case .target(.url(var url)) where url.target == "/" || url.target.hasPrefix("/?"):
            url.target = baseline.path  // --against ws://host:port: the recorded path and query
            target = .url(url)
        case .target(let given):
            target = given
        }
        var configuration = RecordingProxy.Configuration(target: target)
        configuration.port = 0
        configuration.outDir = work
        configuration.observeFrames = false
        configuration.injectKey = ProcessInfo.processInfo.environment[target.keyVariable].flatMap {
            $0.isEmpty ? nil : $0
        }
        let proxy = RecordingProxy(
            configuration: configuration, observe: options.quiet ? quietConsole : LiveConsole.observer(quiet: true))
        let proxyListener = try await listen("the recorder") { try await proxy.bind() }
        let replay = ClientReplay(frames: baseline.frames, options: options.replay)
        var outcome: ReplayClient.Outcome?
        var failure: (any Error)?
        await withTaskGroup(of: Void.self) { group in
            if let server, let serverListener { group.addTask { try? await server.run(serverListener) } }
            group.addTask { try? await proxy.run(proxyListener) }
            do {
                let url = WebSocketURL(
                    secure: false, host: "127.0.0.1", port: proxyListener.port, target: baseline.path)
                outcome = try await ReplayClient.run(
                    replay, url: url, headers: baseline.headers, timeout: options.timeout,
                    settle: .milliseconds(options.replay.waitLimitMs))
            } catch {
                failure = error
            }
            for _ in 0..<250 where proxy.connections.isEmpty { try? await Task.sleep(for: .milliseconds(20)) }
            proxyListener.close()
            serverListener?.close()
            group.cancelAll()
        }
        for note in replay.notes { Diagnostics.print("rtscope replay: \(file): \(note).") }
        if let failure { Diagnostics.print("rtscope replay: \(file): \(failure).") }
        switch outcome {
        case .serverClosed?:
            Diagnostics.print(
                "rtscope replay: \(file): the server closed the session after \(replay.sent) of \(replay.total) client events."
            )
        case .timedOut?:
            Diagnostics.print("rtscope replay: \(file): the replay did not finish within \(options.timeout).")
        default: break
        }
        guard let written = proxy.connections.first?.path else {
            Diagnostics.print("rtscope replay: \(file): no recording was written.")
            throw failure == nil ? ExitCodes.cannotWrite : ExitCodes.cannotListen
        }
        guard failure == nil else {
            // The upstream refused or could not be reached: the recording of that is kept beside
            // the baseline for the record, but nothing was replayed.
            try? FileManager.default.removeItem(atPath: destination)
            try? FileManager.default.moveItem(atPath: written, toPath: destination)
            Diagnostics.print(
                "rtscope replay: \(file): nothing was replayed; the refused handshake is in \(destination).")
            throw ExitCodes.cannotListen
        }
        do {
            if FileManager.default.fileExists(atPath: destination) {
                try FileManager.default.removeItem(atPath: destination)
            }
            try FileManager.default.moveItem(atPath: written, toPath: destination)
        } catch {
            Diagnostics.print("rtscope replay: cannot write \(destination).")
            throw ExitCodes.cannotWrite
        }
        return destination
    }
}
