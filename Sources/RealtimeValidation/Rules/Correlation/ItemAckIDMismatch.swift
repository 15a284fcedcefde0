import RealtimeRecording

extension RuleInfo {
    /// `item-ack-id-mismatch`.
    public static let itemAckIDMismatch = RuleInfo(
        "item-ack-id-mismatch", .warning,
        "The item created for a client's `conversation.item.create` has another id.",
        requirement: "When the client sets item.id, the acknowledgement carries the same id.", source: "inv. 28")
}
