import Foundation

/// Where and how to send: the command-line flags, resolved against the standard
/// `OTEL_EXPORTER_OTLP_*` environment variables (a flag replaces its variable).
///
/// Secrets: header values (API keys for a collector) are never printed; `description` shows only
/// header names. An endpoint with credentials in it (`http://user:pass@host`) is refused: put them
/// in `--header` instead, so they never appear in an error message.
public struct OTLPSettings: Sendable, CustomStringConvertible {
    /// The base URL (`http://collector:4318`); over HTTP `/v1/traces` and `/v1/metrics` are
    /// appended, over gRPC (`http://collector:4317`) it is used as it is.
    public var endpoint: String?
    /// `http/protobuf`, `http/json` or `grpc` (gRPC only in a build with the `OTLPGRPC` trait).
    public var protocolName: String?
    public var headers: [(String, String)] = []
    /// Per-request timeout in seconds.
    public var timeoutSeconds: Double = 10
    /// OTLP `service.name` of the exported resource.
    public var serviceName = "rtscope"

    public init(endpoint: String? = nil, protocolName: String? = nil, headers: [(String, String)] = []) {
        self.endpoint = endpoint
        self.protocolName = protocolName
        self.headers = headers
    }

    public var description: String {
        "endpoint \(endpoint ?? "(OTEL_EXPORTER_OTLP_ENDPOINT or http://localhost:4318)"), headers: "
            + (headers.isEmpty ? "none" : headers.map(\.0).joined(separator: ", "))
    }

    /// Parses `--header k=v`; nil when there is no `=` or the name is empty.
    public static func header(_ text: String) -> (String, String)? {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else { return nil }
        return (
            String(text[..<eq]).trimmingCharacters(in: .whitespaces),
            String(text[text.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
        )
    }

    /// A one-sentence reason these settings cannot be used, or nil.
    public func problem() -> String? { problem(environment: ProcessInfo.processInfo.environment) }

    /// The protocol to send with: the flag, else `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, else
    /// `OTEL_EXPORTER_OTLP_PROTOCOL`, else `http/protobuf`.
    public func chosenProtocol() -> String { chosenProtocol(environment: ProcessInfo.processInfo.environment) }

    /// The protocol to send with, reading the variables from `environment`.
    public func chosenProtocol(environment: [String: String]) -> String {
        protocolName ?? environment["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] ?? environment["OTEL_EXPORTER_OTLP_PROTOCOL"]
            ?? "http/protobuf"
    }

    /// Whether this build can send OTLP/gRPC (the `OTLPGRPC` trait).
    public static var grpcBuilt: Bool {
        #if OTLPGRPC
            true
        #else
            false
        #endif
    }

    /// A one-sentence reason these settings cannot be used with `environment`, or nil.
    public func problem(environment: [String: String]) -> String? {
        let chosen = chosenProtocol(environment: environment)
        switch chosen {
        case "http/protobuf", "http/json": break
        case "grpc" where Self.grpcBuilt: break
        case "grpc":
            return
                "--protocol grpc needs a build with the OTLPGRPC trait (swift build --traits OTLPGRPC); this one sends http/protobuf and http/json (port 4318)."
        default: return "unknown OTLP protocol '\(chosen)'; use http/protobuf, http/json or grpc."
        }
        if let endpoint {
            guard let url = URL(string: endpoint), let scheme = url.scheme, ["http", "https"].contains(scheme),
                url.host != nil
            else { return "--endpoint must be an http:// or https:// URL (for example http://collector:4318)." }
            if url.user != nil || url.password != nil {
                return "--endpoint must not carry credentials; send them with --header NAME=VALUE."
            }
        }
        return nil
    }

    /// The endpoint for one signal: the base URL with `/v1/traces` or `/v1/metrics` appended
    /// (over gRPC, the base URL alone).
    func signalEndpoint(_ path: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String?
    {
        guard var base = endpoint else { return nil }
        if chosenProtocol(environment: environment) == "grpc" { return base }
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }
}
