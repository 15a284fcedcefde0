import RealtimeRecording

extension RuleInfo {
    /// `field-type-mismatch`.
    public static let fieldTypeMismatch = RuleInfo(
        "field-type-mismatch", .error, "A field has the wrong JSON type, or is null where null is not allowed.",
        requirement: "Fields have the JSON types the catalog gives.", source: "§2.3–§3.3")
}
