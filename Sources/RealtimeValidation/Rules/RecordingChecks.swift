public import RealtimeRecording

/// Whole-recording checks that no event can trigger: a session that never started.
///
/// A 0-byte file, `/dev/null`, a header with no frames, or the header of a connection whose
/// upstream refused the WebSocket upgrade (401, 404, 429, …) all hold no traffic; without these
/// findings they would validate as clean and pass a CI gate. Run once, after the last frame. This file is the
/// dispatch; each rule's condition is in its file (`Rules/Recording/`), and a rule the selection turns off does not run.
public enum RecordingChecks {
    /// The findings for a recording that ended with `frames` frames under `header` (nil: none read).
    ///
    /// `probe` (tests) is called with each rule whose check runs.
    public static func findings(
        header: RecordingHeader?, frames: Int, selection: RuleSelection = RuleSelection(),
        probe: ((String) -> Void)? = nil
    ) -> [Finding] {
        var out: [Finding] = []
        for (rule, check) in checks where selection.runs(rule.id) {
            probe?(rule.id)
            if let finding = check(header, frames) { out.append(finding) }
        }
        return out
    }

    /// The whole-recording rules and their conditions, in catalog order.
    static let checks: [(RuleInfo, @Sendable (RecordingHeader?, Int) -> Finding?)] = [
        (.handshakeRefused, handshakeRefused), (.recordingEmpty, recordingEmpty),
    ]
}
