import RealtimeRecording

extension RuleInfo {
    /// `required-field-missing`.
    public static let requiredFieldMissing = RuleInfo(
        "required-field-missing", .error, "A field the catalog marks required is absent.",
        requirement: "Each event carries its required fields (null counts as present).", source: "§2.3–§3.3")
}
