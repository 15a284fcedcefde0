/// Which way a WebSocket frame travelled.
///
/// The raw values are the ones written in recordings (`"dir":"c2s"`), so they never change.
public enum Direction: String, Sendable, Hashable, CaseIterable, Codable {
    /// Sent by the client (the app) to the server (Azure OpenAI / OpenAI).
    case clientToServer = "c2s"
    /// Sent by the server to the client.
    case serverToClient = "s2c"

    /// The short word users type on the command line (`--dir client`).
    public var word: String {
        switch self {
        case .clientToServer: "client"
        case .serverToClient: "server"
        }
    }

    /// An arrow for one-line views: `→` client to server, `←` server to client.
    public var arrow: String {
        switch self {
        case .clientToServer: "→"
        case .serverToClient: "←"
        }
    }

    /// Parses `client`/`server`, `c2s`/`s2c`, and the HAR words `send`/`receive`.
    public init?(word: String) {
        switch word.lowercased() {
        case "client", "c2s", "send", "sent", "out", "outgoing": self = .clientToServer
        case "server", "s2c", "receive", "received", "in", "incoming": self = .serverToClient
        default: return nil
        }
    }
}
