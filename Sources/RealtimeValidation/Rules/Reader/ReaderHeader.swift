import RealtimeRecording

extension RuleInfo {
    /// `reader.header`.
    public static let readerHeader = RuleInfo(
        "reader.header", .warning, "The header is missing, malformed, or of a newer version.",
        requirement: "A recording starts with a format v1 header.", source: "docs/recording-format.md")
}
