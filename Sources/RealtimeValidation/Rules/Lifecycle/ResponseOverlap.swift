import RealtimeRecording

extension RuleInfo {
    /// `response-overlap`.
    public static let responseOverlap = RuleInfo(
        "response-overlap", .error, "Two default-conversation responses are active at once.",
        requirement: "At most one default-conversation response is active; out-of-band ones are exempt.",
        source: "§4.13, inv. 8")
}
