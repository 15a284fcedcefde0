import RealtimeRecording

extension RuleInfo {
    /// `duplicate-key`.
    public static let duplicateKey = RuleInfo(
        "duplicate-key", .warning,
        "An object in an event has the same key twice (rtscope, like jq and JavaScript, reads the last one).",
        requirement: "The names within a JSON object should be unique; parsers disagree on repeated ones.",
        source: "RFC 8259 §4")
}
