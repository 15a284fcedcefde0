import RealtimeRecording

extension RuleInfo {
    /// `content-index-sequence`.
    public static let contentIndexSequence = RuleInfo(
        "content-index-sequence", .error, "Content indexes of an item skip or repeat, or reference no part.",
        requirement: "content_part.added indexes run 0, 1, …; deltas and dones refer to an open part of the item.",
        source: "inv. 11")
}
