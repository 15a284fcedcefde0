import RealtimeRecording

extension RuleInfo {
    /// `recording-empty`.
    public static let recordingEmpty = RuleInfo(
        "recording-empty", .error, "The recording holds no frames (a 0-byte file, or a header alone).",
        requirement: "A recorded session holds at least one frame.", source: "docs/recording-format.md")
}
