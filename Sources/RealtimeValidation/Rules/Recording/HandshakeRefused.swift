import RealtimeRecording

extension RuleInfo {
    /// `handshake-refused`.
    public static let handshakeRefused = RuleInfo(
        "handshake-refused", .error, "The upstream refused the WebSocket upgrade (the header's status is not 101).",
        requirement: "A session starts with HTTP 101 Switching Protocols.", source: "§1.1–§1.4")
}
