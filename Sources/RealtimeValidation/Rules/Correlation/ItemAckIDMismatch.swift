import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `item-ack-id-mismatch`.
    public static let itemAckIDMismatch = RuleInfo(
        "item-ack-id-mismatch", .warning,
        "The item created for a client's `conversation.item.create` has another id.",
        requirement: "When the client sets item.id, the acknowledgement carries the same id.", source: "inv. 28")
}

extension SessionValidator {
    /// The server's conversation.item.created for a client item.create carries the id the client chose.
    mutating func checkItemAckIDMismatch(_ request: SessionState.Pending, acknowledged id: String) {
        guard let wanted = request.itemID, wanted != id else { return }
        emit(
            .itemAckIDMismatch, "The client created item \(wanted) but the server acknowledged \(id).",
            expected: wanted, actual: id, subject: wanted,
            related: [RelatedLine(line: request.line, note: "conversation.item.create")])
    }
}
