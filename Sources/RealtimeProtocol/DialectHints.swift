/// Evidence for which dialect a session speaks, from the connection and from event names.
///
/// Sources (protocol reference §1): the `OpenAI-Beta: realtime=v1` header or the
/// `openai-beta.realtime-v1` subprotocol select beta; Azure's `/openai/realtime?api-version=…`
/// is the beta (preview) form and `/openai/v1/realtime` the GA form. OpenAI uses one URL for
/// both, so without a header the connection alone says nothing.
public enum DialectHints {
    /// The dialect implied by a request URL or path, if any.
    public static func fromURL(_ url: String) -> Dialect? {
        let path = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        if path.hasSuffix("/openai/v1/realtime") { return .ga }
        if path.hasSuffix("/openai/realtime") { return .beta }
        return nil
    }

    /// The dialect implied by request headers (names lower-cased), if any.
    public static func fromHeaders(_ headers: [String: String]) -> Dialect? {
        if let beta = headers["openai-beta"], beta.lowercased().contains("realtime=v1") { return .beta }
        if let protocols = headers["sec-websocket-protocol"], protocols.contains("openai-beta.realtime-v1") {
            return .beta
        }
        return nil
    }

    /// The dialect an event name belongs to when it exists in one dialect only.
    public static func fromEventType(_ type: String, catalog: EventCatalog = .standard) -> Dialect? {
        catalog.dialectOnly(type)
    }
}
