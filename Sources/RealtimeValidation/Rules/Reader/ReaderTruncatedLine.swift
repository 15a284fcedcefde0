import RealtimeRecording

extension RuleInfo {
    /// `reader.truncated-line`.
    public static let readerTruncatedLine = RuleInfo(
        "reader.truncated-line", .warning, "The last line is incomplete (a killed recorder).",
        requirement: "Every line ends with a newline.", source: "docs/recording-format.md")
}
