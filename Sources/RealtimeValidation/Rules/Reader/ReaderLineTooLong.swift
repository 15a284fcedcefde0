import RealtimeRecording

extension RuleInfo {
    /// `reader.line-too-long`.
    public static let readerLineTooLong = RuleInfo(
        "reader.line-too-long", .error, "A line exceeds the reader's limit and was skipped.",
        requirement: "Lines stay under 512 MiB.", source: "docs/recording-format.md")
}
