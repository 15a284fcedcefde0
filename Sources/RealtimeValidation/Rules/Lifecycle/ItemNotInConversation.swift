import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `item-not-in-conversation`.
    public static let itemNotInConversation = RuleInfo(
        "item-not-in-conversation", .warning,
        "A server output item has no `conversation.item.created` (GA: `.added`) before its content.",
        requirement: "Each output item of a default-conversation response is added to the conversation first.",
        source: "§4.3 N2, inv. 13")
}

extension SessionValidator {
    /// Beta: conversation.item.created (GA: .added) for a server item precedes its content.
    mutating func requireConversation(_ output: inout SessionState.Output, _ response: SessionState.Response) {
        guard response.inDefaultConversation, !output.inConversation else { return }
        output.inConversation = true  // report once per item
        guard runs(.itemNotInConversation) else { return }
        let added = catalog.counterpart(of: EventNames.itemCreated) ?? EventNames.itemCreated
        emit(
            .itemNotInConversation,
            "Item \(output.itemID ?? "?") has content before it was added to the conversation.",
            expected: "\(EventNames.itemCreated) (GA: \(added)) before the first content",
            actual: currentType ?? "content",
            subject: output.itemID, related: [RelatedLine(line: output.addedLine, note: "output_item.added")])
    }
}
