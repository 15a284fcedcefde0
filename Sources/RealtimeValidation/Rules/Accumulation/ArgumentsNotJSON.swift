import RealtimeRecording

extension RuleInfo {
    /// `arguments-not-json`.
    public static let argumentsNotJSON = RuleInfo(
        "arguments-not-json", .warning, "Final function-call arguments are not valid JSON.",
        requirement: "Function-call arguments parse as JSON.", source: "inv. 18")
}
