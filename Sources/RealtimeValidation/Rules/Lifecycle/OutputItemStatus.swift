import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `output-item-status`.
    public static let outputItemStatus = RuleInfo(
        "output-item-status", .warning, "An output item's status is unexpected when added or done.",
        requirement: "output_item.added: in_progress and empty content; output_item.done: completed or incomplete.",
        source: "inv. 14")
}

extension SessionValidator {
    /// output_item.added announces an in_progress item with empty content.
    mutating func checkOutputItemStatus(added object: JSONValue) {
        let status = Lookup.string(object, "item.status")
        let content = Lookup.array(object, "item.content") ?? []
        guard status != nil && status != "in_progress" || !content.isEmpty else { return }
        emit(
            .outputItemStatus, "output_item.added should announce an in_progress item with empty content.",
            expected: "status in_progress, content []",
            actual: "status \(status ?? "absent"), \(content.count) parts",
            subject: Lookup.string(object, "item.id"))
    }

    /// output_item.done ends the item completed or incomplete.
    mutating func checkOutputItemStatus(done object: JSONValue, _ output: SessionState.Output) {
        guard let status = Lookup.string(object, "item.status"), status != "completed", status != "incomplete" else {
            return
        }
        emit(
            .outputItemStatus, "output_item.done has item status \(status).",
            expected: "completed | incomplete",
            actual: status, subject: output.itemID)
    }
}
