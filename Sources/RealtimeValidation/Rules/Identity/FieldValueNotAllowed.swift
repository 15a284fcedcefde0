import RealtimeRecording

extension RuleInfo {
    /// `field-value-not-allowed`.
    public static let fieldValueNotAllowed = RuleInfo(
        "field-value-not-allowed", .warning, "A string field holds a value outside its documented set.",
        requirement: "Enumerated fields use documented values.", source: "§2.2, §3.3, §4.10")
}
