import ArgumentParser
import RealtimeOTLP
import RealtimeProxy

/// `rtscope record --otlp URL`: the flags, and the glue between the proxy's observer and
/// `OTLPLiveExport` (which owns the bounded queue and the worker thread).
struct RecordOTLPOptions: ParsableArguments {
    @Option(
        name: .customLong("otlp"),
        help:
            "Export each finished session to this OTLP collector, e.g. http://collector:4318 (needs --traits OTLP)."
    )
    var endpoint: String?

    @Option(
        name: .customLong("otlp-protocol"),
        help: "http/protobuf (default), http/json, or grpc (port 4317; needs --traits OTLPGRPC).")
    var protocolName: String?

    @Option(name: .customLong("otlp-header"), help: "A header NAME=VALUE for the collector (repeatable).")
    var headers: [String] = []

    func settings() throws -> OTLPSettings? {
        guard let endpoint else { return nil }
        var settings = OTLPSettings(endpoint: endpoint, protocolName: protocolName)
        for text in headers {
            guard let header = OTLPSettings.header(text) else {
                throw ValidationError("--otlp-header expects NAME=VALUE.")
            }
            settings.headers.append(header)
        }
        return settings
    }

    func check() throws {
        if endpoint == nil, !headers.isEmpty || protocolName != nil {
            throw ValidationError("--otlp-header and --otlp-protocol need --otlp URL.")
        }
        if let problem = try settings()?.problem() {
            throw ValidationError(
                problem.replacing("--endpoint", with: "--otlp").replacing("--protocol", with: "--otlp-protocol"))
        }
    }
}

enum RecordOTLP {
    /// Starts the exporter before the listener, so a build without OTLP fails before any client connects.
    static func start(_ settings: OTLPSettings) throws -> OTLPLiveExport {
        do {
            return try OTLPLiveExport(settings: settings) { LiveConsole.line("rtscope record: \($0)") }
        } catch {
            Diagnostics.print("rtscope record: \(error)")
            throw ExitCodes.cannotListen
        }
    }

    /// The console observer, plus: a closed connection's files go to the export queue (never waits).
    static func observer(
        _ console: @escaping @Sendable (RecorderEvent) -> Void, _ live: OTLPLiveExport?
    ) -> @Sendable (RecorderEvent) -> Void {
        guard let live else { return console }
        return { event in
            console(event)
            if case .closed(let summary) = event { live.offer(paths: summary.paths) }
        }
    }

    /// Sends what is queued (bounded by the timeout plus a margin) and prints one line.
    static func finish(_ live: OTLPLiveExport, _ settings: OTLPSettings) async {
        let report = await live.finish(within: settings.timeoutSeconds + 5)
        var text = "rtscope record: OTLP export: \(report.sessions) session(s), \(report.spans) span(s)"
        if live.dropped > 0 { text += ", \(live.dropped) session(s) dropped" }
        if report.failures > 0 {
            text += "; \(report.failures) request(s) failed, first: \(report.firstFailure ?? "unknown")"
        }
        LiveConsole.line(text + ".")
    }
}
