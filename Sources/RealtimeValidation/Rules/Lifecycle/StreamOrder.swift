import RealtimeRecording

extension RuleInfo {
    /// `stream-order`.
    public static let streamOrder = RuleInfo(
        "stream-order", .error,
        "A delta or done event arrives outside its part or item (before added, after done).",
        requirement: "content_part.added < deltas < type done < content_part.done < output_item.done.",
        source: "§4.3 N3, inv. 11")
}
