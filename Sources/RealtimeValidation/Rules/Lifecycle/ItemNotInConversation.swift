import RealtimeRecording

extension RuleInfo {
    /// `item-not-in-conversation`.
    public static let itemNotInConversation = RuleInfo(
        "item-not-in-conversation", .warning,
        "A server output item has no `conversation.item.created` (GA: `.added`) before its content.",
        requirement: "Each output item of a default-conversation response is added to the conversation first.",
        source: "§4.3 N2, inv. 13")
}
