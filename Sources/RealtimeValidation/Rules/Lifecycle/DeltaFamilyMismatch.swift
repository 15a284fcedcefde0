import RealtimeRecording

extension RuleInfo {
    /// `delta-family-mismatch`.
    public static let deltaFamilyMismatch = RuleInfo(
        "delta-family-mismatch", .error, "A delta does not fit its part or item type.",
        requirement: "Text deltas on text parts, audio and transcript deltas on audio parts, argument deltas "
            + "on function_call items.",
        source: "inv. 12")
}
