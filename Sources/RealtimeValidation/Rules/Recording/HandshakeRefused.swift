import RealtimeRecording

extension RuleInfo {
    /// `handshake-refused`.
    public static let handshakeRefused = RuleInfo(
        "handshake-refused", .error, "The upstream refused the WebSocket upgrade (the header's status is not 101).",
        requirement: "A session starts with HTTP 101 Switching Protocols.", source: "§1.1–§1.4")
}

extension RecordingChecks {
    /// A header whose handshake status is not 101: the upstream refused the upgrade.
    ///
    /// Limits: a refused upgrade is known only from the header's handshake status (recorded by `rtscope record`); a
    /// refused handshake in an imported log has no header to say so.
    static func handshakeRefused(_ header: RecordingHeader?, frames: Int) -> Finding? {
        guard let status = header?.handshake?.response?.status, status != 101 else { return nil }
        let body = header?.handshake?.response?.body.map { ": " + String($0.prefix(200)) } ?? ""
        return Finding(
            rule: RuleInfo.handshakeRefused.id, severity: RuleInfo.handshakeRefused.severity,
            message: "The upstream refused the WebSocket upgrade with HTTP \(status)\(body).",
            expected: "HTTP 101 Switching Protocols", actual: "HTTP \(status)", line: 1, eventIndex: 0)
    }
}
