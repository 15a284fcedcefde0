import RealtimeRecording

extension RuleInfo {
    /// `output-item-status`.
    public static let outputItemStatus = RuleInfo(
        "output-item-status", .warning, "An output item's status is unexpected when added or done.",
        requirement: "output_item.added: in_progress and empty content; output_item.done: completed or incomplete.",
        source: "inv. 14")
}
