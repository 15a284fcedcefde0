import RealtimeRecording

extension RuleInfo {
    /// `response-failed`.
    public static let responseFailed = RuleInfo(
        "response-failed", .warning, "A response ended with status `failed` or `incomplete`.",
        requirement: "Responses normally complete; failed and incomplete ones explain silent turns.",
        source: "§4.10")
}
