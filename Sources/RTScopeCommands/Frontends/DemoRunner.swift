import ArgumentParser
import Foundation
import RealtimeProtocol
import RealtimeProxy
import RealtimeRecording
import RealtimeSimulation
import RealtimeValidation
import TerminalUI
import TimelineModel

/// Carries out `rtscope demo`: simulated server ← recorder ← scripted client, then validate and show.
enum DemoRunner {
    static func run(out: String?, dialect: Dialect, faults: [String], interactive: Bool) async throws {
        let folder =
            out
            ?? (NSTemporaryDirectory() as NSString).appendingPathComponent(
                "rtscope-demo-\(ProcessInfo.processInfo.processIdentifier)")
        var serverConfiguration = SimulatorServer.Configuration()
        serverConfiguration.port = 0
        serverConfiguration.options.faults = Set(faults.compactMap(Fault.init(rawValue:)))
        let server = SimulatorServer(configuration: serverConfiguration)
        let serverListener = try await server.bind()
        let path =
            dialect == .ga
            ? "/v1/realtime?model=gpt-realtime"
            : "/openai/realtime?api-version=2025-04-01-preview&deployment=gpt-4o-realtime-preview"
        guard let upstream = WebSocketURL("ws://127.0.0.1:\(serverListener.port)\(path)") else { return }
        var proxyConfiguration = RecordingProxy.Configuration(target: .url(upstream))
        proxyConfiguration.port = 0
        proxyConfiguration.outDir = folder
        proxyConfiguration.observeFrames = false
        let proxy = RecordingProxy(configuration: proxyConfiguration, observe: LiveConsole.observer(quiet: true))
        let proxyListener = try await proxy.bind()
        LiveConsole.line(
            "rtscope demo: simulated server on 127.0.0.1:\(serverListener.port), recorder on 127.0.0.1:\(proxyListener.port), recording to \(folder)/"
        )
        var headers = [("User-Agent", "rtscope-demo")]
        if dialect == .beta { headers.append(("OpenAI-Beta", "realtime=v1")) }
        let script = ClientScript.demo(dialect: dialect)
        var failure: (any Error)?
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await server.run(serverListener) }
            group.addTask { try? await proxy.run(proxyListener) }
            do {
                let target = WebSocketURL(secure: false, host: "127.0.0.1", port: proxyListener.port, target: path)
                try await ScriptedClient.run(
                    script, url: target, headers: headers, timeout: .seconds(60), stall: .seconds(5)
                ) { event, done, total in
                    LiveConsole.line("rtscope demo: [\(done)/\(total)] \(event)")
                }
            } catch {
                failure = error
            }
            // Let the recorder finish the connection (close handshake), then stop both listeners.
            for _ in 0..<100 where proxy.connections.isEmpty { try? await Task.sleep(for: .milliseconds(20)) }
            proxyListener.close()
            serverListener.close()
            group.cancelAll()
        }
        if let failure { LiveConsole.line("rtscope demo: the scripted client did not finish: \(failure)") }
        guard let recording = proxy.connections.first?.path else {
            Diagnostics.print("rtscope demo: no recording was written.")
            throw ExitCodes.cannotWrite
        }
        let report = try ValidationRun.validate(path: recording)
        LiveConsole.line("rtscope demo: \(script.seen.count) server events, recording \(recording)")
        if interactive {
            let source = try TimelineSource.load(recording)
            var model = TimelineModel(source: source, width: 100, height: 30)
            do {
                try await TimelineApp.run(&model, color: Terminal.colorAllowed(), follow: false)
            } catch TerminalError.unknownTerminal(let term) {
                Diagnostics.print(
                    "rtscope demo: ncurses does not know the terminal type '\(SafeText.escape(term))' (TERM); "
                        + "pass --no-view, or run rtscope view --headless \(recording).")
                throw ExitCode.validationFailure
            }
        } else {
            var options = CatFrontend.Options()
            options.foldDeltas = true
            let output = Output()
            var headerWritten = false
            _ = try CatFrontend(options: options, output: output).run(path: recording, headerWritten: &headerWritten)
            output.line("")
            let result = ValidationResult(reports: [report], rules: RuleSelection().activeRules, failAt: .error)
            output.write(TextReporter.render(result, color: false))
            try output.finish()
        }
        let me = Invocation.program
        LiveConsole.line(
            "Next: \(me) view \(recording)   ·   \(me) validate \(recording)   ·   \(me) cat --fold-deltas \(recording)"
        )
        let errors = report.count(.error)
        if errors > 0 || failure != nil {
            Diagnostics.print(
                "rtscope demo: "
                    + (errors > 0 ? "the recording has \(Plural.count(errors, "error"))" : "the session did not finish")
                    + "; exit code 1.")
            throw ExitCodes.findings
        }
    }
}
