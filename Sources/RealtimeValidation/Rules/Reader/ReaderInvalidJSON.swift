import RealtimeRecording

extension RuleInfo {
    /// `reader.invalid-json`.
    public static let readerInvalidJSON = RuleInfo(
        "reader.invalid-json", .error, "A line is not valid JSON (or not valid UTF-8).",
        requirement: "Every recording line is one JSON object.", source: "docs/recording-format.md")
}
