import Foundation

/// Where and how to send: the command-line flags, resolved against the standard
/// `OTEL_EXPORTER_OTLP_*` environment variables (a flag replaces its variable).
///
/// Secrets: header values (API keys for a collector) are never printed; `description` shows only
/// header names. An endpoint with credentials in it (`http://user:pass@host`) is refused: put them
/// in `--header` instead, so they never appear in an error message.
public struct OTLPSettings: Sendable, CustomStringConvertible {
    /// The base URL (`http://collector:4318`); `/v1/traces` and `/v1/metrics` are appended.
    public var endpoint: String?
    /// `http/protobuf` (the only protocol this build sends).
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

    /// A one-sentence reason these settings cannot be used with `environment`, or nil.
    public func problem(environment: [String: String]) -> String? {
        let chosen =
            protocolName ?? environment["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] ?? environment[
                "OTEL_EXPORTER_OTLP_PROTOCOL"]
            ?? "http/protobuf"
        switch chosen {
        case "http/protobuf": break
        case "grpc":
            return
                "--protocol grpc is not supported: this build compiles swift-otel with OTLP/HTTP only (its gRPC stack would double the build time); use http/protobuf (port 4318)."
        default: return "unknown OTLP protocol '\(chosen)'; use http/protobuf."
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

    /// The endpoint for one signal: the base URL with `/v1/traces` or `/v1/metrics` appended.
    func signalEndpoint(_ path: String) -> String? {
        guard var base = endpoint else { return nil }
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }
}
