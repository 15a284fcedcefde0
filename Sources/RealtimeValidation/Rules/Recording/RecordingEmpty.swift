import RealtimeRecording

extension RuleInfo {
    /// `recording-empty`.
    public static let recordingEmpty = RuleInfo(
        "recording-empty", .error, "The recording holds no frames (a 0-byte file, or a header alone).",
        requirement: "A recorded session holds at least one frame.", source: "docs/recording-format.md")
}

extension RecordingChecks {
    /// No frames at all; a refused handshake (no frames either) is `handshake-refused`'s finding, not this one.
    static func recordingEmpty(_ header: RecordingHeader?, frames: Int) -> Finding? {
        guard frames == 0 else { return nil }
        if let status = header?.handshake?.response?.status, status != 101 { return nil }
        let message =
            header == nil
            ? "The file is empty: it holds no header and no frames."
            : "The recording holds no frames: the connection exchanged nothing."
        return Finding(
            rule: RuleInfo.recordingEmpty.id, severity: RuleInfo.recordingEmpty.severity, message: message,
            expected: "at least one frame",
            actual: "0 frames", line: header == nil ? 0 : 1, eventIndex: 0)
    }
}
