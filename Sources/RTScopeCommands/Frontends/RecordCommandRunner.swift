import Foundation
import RealtimeOTLP
import RealtimeProtocol
import RealtimeProxy
import RealtimeRecording

/// Carries out `rtscope record`: bind, announce, serve until a signal, summarise.
enum RecordCommandRunner {
    static func run(
        _ configuration: RecordingProxy.Configuration, quiet: Bool, allowRemote: Bool, otlp: OTLPSettings? = nil
    ) async throws {
        let live = try otlp.map { try RecordOTLP.start($0) }
        let proxy = RecordingProxy(
            configuration: configuration, observe: RecordOTLP.observer(LiveConsole.observer(quiet: quiet), live))
        if let dir = configuration.outDir { try makeOutputFolder(dir) }
        ShutdownSignal.install()  // before "listening on": a signal right after it must not be lost
        let listener: WebSocketListener<RecordingProxy.Accepted>
        do {
            listener = try await proxy.bind()
        } catch {
            Diagnostics.print(
                "rtscope record: cannot listen on \(configuration.host):\(configuration.port): \(listenFailure(error))."
            )
            throw ExitCodes.cannotListen
        }
        var removed: [String] = []
        let upstream: String
        switch configuration.target {
        case .azure(let base, _, let ga):
            upstream = "\(base) (Azure, \(ga ? "GA /openai/v1/realtime" : "preview /openai/realtime"))"
        case .openai(let model): upstream = "wss://api.openai.com/v1/realtime?model=\(model ?? "<client's>")"
        case .url(let url): upstream = url.description
        }
        let scheme = configuration.listenerTLS == nil ? "http" : "https"  // clients must use wss with --tls-cert
        let base =
            "\(scheme)://\(configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host):\(listener.port)"
        if allowRemote, !ListenAddress.isLoopback(configuration.host) {
            Diagnostics.print(
                "rtscope record: warning: listening on \(configuration.host); anyone who can reach it can use your upstream and key."
            )
        }
        LiveConsole.line("rtscope record: listening on \(base) → \(redactedURL(upstream, &removed))")
        let ws = "ws" + base.dropFirst(4)  // http→ws, https→wss
        LiveConsole.line("  point your client here:")
        LiveConsole.line("    OpenAI SDK:  OpenAI(base_url=\"\(base)/v1\")  (or websocket_base_url=\"\(ws)/v1\")")
        LiveConsole.line(
            "    Azure SDK:   AzureOpenAI(azure_endpoint=\"\(base)\", websocket_base_url=\"\(ws)/openai\", api_version=…)"
        )
        LiveConsole.line(
            "    any client:  \(ws)/openai/realtime?…, \(ws)/openai/v1/realtime?model=…, \(ws)/v1/realtime?model=…")
        LiveConsole.line(
            "  recordings go to \(configuration.outDir ?? "(nowhere)")/; key injection: \(configuration.injectKey == nil ? "off (no key in \(configuration.target.keyVariable))" : "on, from \(configuration.target.keyVariable)")"
        )
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await proxy.run(listener) }
            group.addTask {
                await ShutdownSignal.wait()
                LiveConsole.line("rtscope record: shutting down (close frames sent to live connections)")
                await proxy.closeAll()
                listener.close()
            }
            await group.next()
            group.cancelAll()
        }
        LiveConsole.summary(proxy.connections)
        if let live, let otlp { await RecordOTLP.finish(live, otlp) }
    }

    /// Creates the --out folder (and its parents) or fails with exit 73 and one sentence naming it.
    static func makeOutputFolder(_ dir: String) throws {
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: dir, isDirectory: &isFolder)
        let problem: String?
        if exists, !isFolder.boolValue {
            problem = "it is an existing file, not a folder"
        } else {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                problem = access(dir, W_OK | X_OK) == 0 ? nil : "the folder is not writable"
            } catch {
                problem = "the folder cannot be created (is a parent a file, or not writable?)"
            }
        }
        guard let problem else { return }
        Diagnostics.print("rtscope record: cannot write recordings to --out \(SafeText.escape(dir)): \(problem).")
        throw ExitCodes.cannotWrite
    }

    private static func redactedURL(_ url: String, _ removed: inout [String]) -> String {
        Redactor.url(url, removed: &removed)
    }
}
