public import RealtimeRecording

/// Whole-recording checks that no event can trigger: a session that never started.
///
/// A 0-byte file, `/dev/null`, a header with no frames, or the header of a connection whose
/// upstream refused the WebSocket upgrade (401, 404, 429, …) all hold no traffic; without these
/// findings they would validate as clean and pass a CI gate. Run once, after the last frame.
public enum RecordingChecks {
    /// The findings for a recording that ended with `frames` frames under `header` (nil: none read).
    ///
    /// Limits: a refused upgrade is known only from the header's handshake status (recorded by
    /// `rtscope record`); a refused handshake in an imported log has no header to say so.
    public static func findings(header: RecordingHeader?, frames: Int) -> [Finding] {
        if let status = header?.handshake?.response?.status, status != 101 {
            let body = header?.handshake?.response?.body.map { ": " + String($0.prefix(200)) } ?? ""
            return [
                Finding(
                    rule: RuleInfo.handshakeRefused.id, severity: RuleInfo.handshakeRefused.severity,
                    message: "The upstream refused the WebSocket upgrade with HTTP \(status)\(body).",
                    expected: "HTTP 101 Switching Protocols", actual: "HTTP \(status)", line: 1, eventIndex: 0)
            ]
        }
        guard frames == 0 else { return [] }
        let message =
            header == nil
            ? "The file is empty: it holds no header and no frames."
            : "The recording holds no frames: the connection exchanged nothing."
        return [
            Finding(
                rule: RuleInfo.recordingEmpty.id, severity: RuleInfo.recordingEmpty.severity, message: message,
                expected: "at least one frame",
                actual: "0 frames", line: header == nil ? 0 : 1, eventIndex: 0)
        ]
    }
}
