import RealtimeRecording

extension RuleInfo {
    /// `truncate-target-invalid`.
    public static let truncateTargetInvalid = RuleInfo(
        "truncate-target-invalid", .error,
        "`conversation.item.truncate` targets something other than assistant audio.",
        requirement: "Truncate an assistant message item's audio content part.", source: "§4.8 C2, inv. 23")
}
