import ArgumentParser
import RealtimeOTLP
import RealtimeSession
import RealtimeTelemetry

/// `rtscope export otlp`: back-fills recordings as OpenTelemetry traces and metrics.
struct ExportOTLP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "otlp",
        abstract: "Send recordings as OpenTelemetry traces and metrics to an OTLP/HTTP collector.",
        discussion: """
            Each recording becomes one trace (session → voice turns → responses → tool calls, errors \
            and validation findings as span events) at its recorded times, and adds to the metrics \
            (histograms of every latency `rtscope stats` reports, counters of tokens, cost, findings by \
            rule and sessions). The trace id comes from the connection and session id, so exporting a \
            file twice gives the same trace. No text of the session is sent unless --include-text; \
            audio never. docs/observability.md lists every span and attribute.

            OTEL_EXPORTER_OTLP_ENDPOINT, _HEADERS, _PROTOCOL and _TIMEOUT (and their _TRACES_ / \
            _METRICS_ forms) are honoured; --endpoint, --header and --protocol replace their variables. \
            Header values are never printed.

            Needs a build with the OTLP trait: swift build -c release --traits OTLP.

            EXIT CODES
              0   every recording was sent
              64  usage error (bad --endpoint, --header or --protocol)
              65  an input is not a recording or a supported log
              66  an input cannot be opened or read
              69  the collector could not be reached or refused data, or this build has no OTLP export
            """)

    @Argument(help: "Recordings or logs `rtscope import` reads.")
    var files: [String] = []

    @Option(
        help:
            "The collector's base URL, e.g. http://collector:4318 (over HTTP /v1/traces is appended; gRPC: http://collector:4317)."
    )
    var endpoint: String?

    @Option(
        name: .customLong("protocol"), help: "http/protobuf (default), http/json, or grpc (needs --traits OTLPGRPC).")
    var protocolName: String?

    @Option(name: .customLong("header"), help: "A request header NAME=VALUE (repeatable), e.g. an API key.")
    var headers: [String] = []

    @Option(help: "Seconds to wait for the collector per request.")
    var timeout: Double = 10

    @Flag(help: "Also send the server's error messages and the findings' messages.")
    var includeText = false

    @Option(help: "A JSON price table instead of the bundled one (as in `rtscope stats`).")
    var prices: String?

    func validate() throws {
        if files.isEmpty { throw ValidationError("Name at least one recording.") }
        if timeout <= 0 { throw ValidationError("--timeout must be a positive number of seconds.") }
        if let problem = try settings().problem() { throw ValidationError(problem) }
    }

    func settings() throws -> OTLPSettings {
        var settings = OTLPSettings(endpoint: endpoint, protocolName: protocolName)
        settings.timeoutSeconds = timeout
        for text in headers {
            // Only the name is shown: the value may be a key.
            guard let header = OTLPSettings.header(text) else {
                throw ValidationError("--header expects NAME=VALUE (got a value without '=' or without a name).")
            }
            settings.headers.append(header)
        }
        return settings
    }

    func run() async throws {
        try await ExportFrontend.run(
            files: files, settings: try settings(), includeText: includeText, pricesPath: prices)
    }
}
