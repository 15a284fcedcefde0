import RealtimeRecording

extension RuleInfo {
    /// `previous-item-unknown`.
    public static let previousItemUnknown = RuleInfo(
        "previous-item-unknown", .error, "`previous_item_id` names an item that is not in the conversation.",
        requirement: "previous_item_id is null or the id of an item in the conversation.", source: "inv. 20")
}
