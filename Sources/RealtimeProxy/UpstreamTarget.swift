import Foundation
public import RealtimeProtocol

/// Where the recorder sends clients: fixed by the command line, never chosen by a client.
public enum UpstreamTarget: Sendable {
    /// Azure OpenAI: preview form `/openai/realtime?api-version=…&deployment=…` (beta dialect), or
    /// with `ga` the form `/openai/v1/realtime?model=<deployment>`.
    case azure(base: WebSocketURL, deployment: String?, ga: Bool)
    /// OpenAI: `wss://api.openai.com/v1/realtime?model=…`.
    case openai(model: String?)
    /// Any `ws://` or `wss://` endpoint, used as given; the client's query parameters are added
    /// (raw, in the client's order), except those the URL already sets.
    case url(WebSocketURL)

    /// The default preview `api-version` when the client names none.
    public static let defaultAzureAPIVersion = "2025-04-01-preview"

    /// Query parameters a client may choose (everything else comes from the command line).
    static let clientQueryKeys: Set<String> = [
        "api-version", "deployment", "model", "intent", "call_id", "api-key", "authorization",
    ]

    /// The upstream URL for a client that asked for `clientTarget` (path and query), or nil with a
    /// reason when the path is not a Realtime path.
    public func resolve(clientTarget: String) -> (url: WebSocketURL, dialect: Dialect?)? {
        let components = URLComponents(string: "ws://client" + clientTarget)
        let path = components?.path ?? ""
        guard path.hasSuffix("/realtime") || path.hasSuffix("/realtime/") else { return nil }
        var query: [String: String] = [:]
        for item in components?.queryItems ?? [] where Self.clientQueryKeys.contains(item.name) {
            query[item.name] = item.value ?? ""
        }
        switch self {
        case .url(let url):
            return (Self.adding(clientQuery: clientTarget, to: url), nil)
        case .openai(let model):
            var items = [URLQueryItem(name: "model", value: model ?? query["model"] ?? "gpt-realtime")]
            if let intent = query["intent"] { items.append(URLQueryItem(name: "intent", value: intent)) }
            if let call = query["call_id"] { items.append(URLQueryItem(name: "call_id", value: call)) }
            return (
                WebSocketURL(
                    secure: true, host: "api.openai.com", port: 443, target: Self.target("/v1/realtime", items)), nil
            )
        case .azure(let base, let deployment, let ga):
            let prefix = base.target.split(separator: "?").first.map { String($0).trimmingSuffix("/") } ?? ""
            var url = base
            if ga {
                let model = deployment ?? query["model"] ?? query["deployment"] ?? ""
                var items = [URLQueryItem(name: "model", value: model)]
                if let key = query["api-key"] { items.append(URLQueryItem(name: "api-key", value: key)) }
                url.target = Self.target(prefix + "/openai/v1/realtime", items)
                return (url, .ga)
            }
            var items = [
                URLQueryItem(name: "api-version", value: query["api-version"] ?? Self.defaultAzureAPIVersion),
                URLQueryItem(name: "deployment", value: deployment ?? query["deployment"] ?? query["model"] ?? ""),
            ]
            if let key = query["api-key"] { items.append(URLQueryItem(name: "api-key", value: key)) }
            url.target = Self.target(prefix + "/openai/realtime", items)
            return (url, .beta)
        }
    }

    /// `url` with the query parameters of `clientTarget` appended, except names `url` already has.
    static func adding(clientQuery clientTarget: String, to url: WebSocketURL) -> WebSocketURL {
        guard let q = clientTarget.firstIndex(of: "?") else { return url }
        let query = clientTarget[clientTarget.index(after: q)...].prefix { $0 != "#" }
        func name(_ part: Substring) -> Substring { part.prefix { $0 != "=" } }
        let fixed = Set(
            url.target.split(separator: "?", maxSplits: 1).dropFirst().first?.split(separator: "&").map(name) ?? [])
        let extra = query.split(separator: "&").filter { !name($0).isEmpty && !fixed.contains(name($0)) }
        guard !extra.isEmpty else { return url }
        var out = url
        out.target += (url.target.contains("?") ? "&" : "?") + extra.joined(separator: "&")
        return out
    }

    static func target(_ path: String, _ items: [URLQueryItem]) -> String {
        var components = URLComponents()
        components.queryItems = items
        return path + "?" + (components.percentEncodedQuery ?? "")
    }

    /// The environment variable whose key is injected when a client sends no credentials.
    public var keyVariable: String {
        switch self {
        case .azure: "AZURE_OPENAI_API_KEY"
        case .openai: "OPENAI_API_KEY"
        case .url(let url): url.host.hasSuffix(".azure.com") ? "AZURE_OPENAI_API_KEY" : "OPENAI_API_KEY"
        }
    }

    /// The header a key from `keyVariable` goes in.
    public func keyHeader(_ key: String) -> (name: String, value: String) {
        keyVariable == "AZURE_OPENAI_API_KEY" ? ("api-key", key) : ("Authorization", "Bearer \(key)")
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        var s = self
        while s.hasSuffix(suffix) { s.removeLast(suffix.count) }
        return s
    }
}
