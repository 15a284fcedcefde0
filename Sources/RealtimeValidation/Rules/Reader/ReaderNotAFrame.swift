import RealtimeRecording

extension RuleInfo {
    /// `reader.not-a-frame`.
    public static let readerNotAFrame = RuleInfo(
        "reader.not-a-frame", .error, "A line is JSON but not a recording frame.",
        requirement: "Frame lines carry dir and op.", source: "docs/recording-format.md")
}
