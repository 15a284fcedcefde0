import ArgumentParser
import Foundation
import RealtimeProxy

extension RTScope {
    /// `rtscope record`: the recording proxy.
    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record live sessions: a local WebSocket proxy in front of Azure OpenAI or OpenAI.",
            discussion: """
                Point your app's base URL at the proxy and change nothing else. Clients connect to \
                /openai/realtime (Azure preview), /openai/v1/realtime (Azure GA) or /v1/realtime (OpenAI); \
                the upstream host is fixed here, never chosen by the client. A client's api-key, \
                Authorization, OpenAI-Beta headers and subprotocols are passed through; when it sends no \
                credentials, the key in AZURE_OPENAI_API_KEY (Azure) or OPENAI_API_KEY (OpenAI) is \
                injected. One recording per connection is written to --out; secrets are removed from \
                recordings and never printed. Stop with Ctrl-C (close frames are sent, files closed).

                Examples (MYRES stands for your Azure resource's name):
                  rtscope record --azure https://MYRES.openai.azure.com \\
                    --deployment gpt-4o-realtime-preview
                  rtscope record --azure https://MYRES.openai.azure.com \\
                    --deployment gpt-realtime --ga
                  rtscope record --openai --model gpt-realtime
                  rtscope record --upstream ws://127.0.0.1:8780/v1/realtime
                """)

        @Option(help: "Azure OpenAI resource endpoint, e.g. https://myres.openai.azure.com.")
        var azure: String?

        @Option(help: "Azure deployment name (default: the one the client asks for).")
        var deployment: String?

        @Flag(help: "Use Azure's GA form /openai/v1/realtime?model=<deployment> instead of the preview form.")
        var ga = false

        @Flag(help: "Record against OpenAI (wss://api.openai.com/v1/realtime).")
        var openai = false

        @Option(help: "OpenAI model (default: the one the client asks for, else gpt-realtime).")
        var model: String?

        @Option(help: "Any ws:// or wss:// upstream URL, used as given.")
        var upstream: String?

        @Option(help: "Address to listen on, host:port.")
        var listen = "127.0.0.1:8765"

        @Flag(help: "Allow listening on a non-loopback address (anyone who can reach it can use your upstream).")
        var allowRemote = false

        @Option(help: "Folder for recordings (created if missing).")
        var out = "recordings"

        @Option(
            help: "Continue a connection's recording in a new file (NAME.2.jsonl, …) after this size, e.g. 500M or 2G.")
        var rotateSize: String?

        @Option(help: "PEM file of extra CA certificates to trust for the upstream.")
        var caFile: String?

        @Flag(help: "Do not verify the upstream's TLS certificate (unsafe; for testing only).")
        var insecure = false

        @Option(
            help:
                "Serve wss:// to clients with this PEM certificate (with --tls-key), e.g. a self-signed localhost one.")
        var tlsCert: String?

        @Option(help: "The PEM private key for --tls-cert.")
        var tlsKey: String?

        @Option(
            help: """
                The largest WebSocket frame (and reassembled message) accepted, e.g. 16M or 64K (at least 1K). \
                A bigger frame is not forwarded: its sender gets close 1009 and the recording an error line.
                """)
        var maxFrameSize = "16M"

        @Option(help: "Connections open at once (sessions included); more clients get HTTP 503.")
        var maxConnections = 512

        @Option(help: "Seconds a client has to send its upgrade request (and finish TLS); upgraded sessions may idle.")
        var handshakeTimeout = 10.0

        @Flag(help: "Print only findings and the final summary, not every event.")
        var quiet = false

        @OptionGroup(title: "OpenTelemetry (docs/observability.md)") var otlp: RecordOTLPOptions

        func validate() throws {
            let chosen = [azure != nil, openai, upstream != nil].filter { $0 }.count
            guard chosen == 1 else {
                throw ValidationError("Choose exactly one upstream: --azure URL, --openai or --upstream URL.")
            }
            if let upstream, WebSocketURL(upstream) == nil {
                throw ValidationError("--upstream must be a ws:// or wss:// URL, got '\(upstream)'.")
            }
            if let azure, WebSocketURL(azure) == nil {
                throw ValidationError("--azure must be an https:// endpoint such as https://myres.openai.azure.com.")
            }
            guard Self.bytes(maxFrameSize, minimum: 1 << 10).map({ $0 <= 1 << 30 }) == true else {
                throw ValidationError("--max-frame-size must be a size from 1K to 1G, such as 16M or 65536.")
            }
            guard maxConnections >= 1, handshakeTimeout > 0, handshakeTimeout <= 3600 else {
                throw ValidationError(
                    "--max-connections must be at least 1 and --handshake-timeout from 0 to 3600 seconds.")
            }
            if let rotateSize, Self.bytes(rotateSize) == nil {
                throw ValidationError("--rotate-size must be a size such as 500M, 2G or 1048576 (at least 1M).")
            }
            guard (tlsCert == nil) == (tlsKey == nil) else {
                throw ValidationError("--tls-cert and --tls-key go together.")
            }
            guard let address = ListenAddress.parse(listen) else {
                throw ValidationError("--listen must look like 127.0.0.1:8765.")
            }
            try otlp.check()
            if !ListenAddress.isLoopback(address.host), !allowRemote {
                throw ValidationError(
                    "--listen \(listen) is not a loopback address; add --allow-remote if you mean it.")
            }
        }

        /// `500M`, `2G`, `64K` (binary units) or plain bytes; at least `minimum` (1 MiB by default).
        static func bytes(_ text: String, minimum: Int64 = 1 << 20) -> Int64? {
            let units: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
            var digits = text.uppercased()
            if digits.hasSuffix("IB") || digits.hasSuffix("B") {
                digits = String(digits.prefix { $0.isNumber || units[$0] != nil })
            }
            let unit = digits.last.flatMap { units[$0] } ?? 1
            if unit != 1 { digits.removeLast() }
            guard let value = Int64(digits), value > 0 else { return nil }
            let total = value.multipliedReportingOverflow(by: unit)
            return total.overflow || total.partialValue < minimum ? nil : total.partialValue
        }

        func run() async throws {
            let target: UpstreamTarget
            if let azure, let url = WebSocketURL(azure) {
                target = .azure(base: url, deployment: deployment, ga: ga)
            } else if let upstream, let url = WebSocketURL(upstream) {
                target = .url(url)
            } else {
                target = .openai(model: model)
            }
            let address = ListenAddress.parse(listen) ?? ("127.0.0.1", 8765)
            var configuration = RecordingProxy.Configuration(target: target)
            (configuration.host, configuration.port) = address
            configuration.outDir = out
            configuration.observeFrames = !quiet
            configuration.rotateBytes = rotateSize.flatMap { Self.bytes($0) }
            configuration.limits.maxFrameSize = Int(Self.bytes(maxFrameSize, minimum: 1 << 10) ?? 1 << 24)
            configuration.limits.maxConnections = maxConnections
            configuration.limits.handshakeTimeout = .milliseconds(Int64(handshakeTimeout * 1000))
            if let tlsCert, let tlsKey {
                configuration.listenerTLS = ListenerTLS(certificateFile: tlsCert, keyFile: tlsKey)
            }
            configuration.tls = UpstreamTLS(caFile: caFile, insecure: insecure)
            configuration.injectKey = ProcessInfo.processInfo.environment[target.keyVariable].flatMap {
                $0.isEmpty ? nil : $0
            }
            try await RecordCommandRunner.run(
                configuration, quiet: quiet, allowRemote: allowRemote, otlp: try otlp.settings())
        }
    }
}
