import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `previous-item-unknown`.
    public static let previousItemUnknown = RuleInfo(
        "previous-item-unknown", .error, "`previous_item_id` names an item that is not in the conversation.",
        requirement: "previous_item_id is null or the id of an item in the conversation.", source: "inv. 20")
}

extension SessionValidator {
    /// A client `conversation.item.create` inserting after an item that is not in the conversation ("root" and null
    /// are fine).
    mutating func checkPreviousItemUnknown(inserting object: JSONValue) {
        guard let previous = Lookup.string(object, "previous_item_id"), previous != "root", state.items[previous] == nil
        else { return }
        emit(
            .previousItemUnknown,
            "conversation.item.create inserts after \(previous), which is not in the conversation.",
            expected: "\"root\", null or an existing item id", actual: previous, subject: previous,
            priorID: true)
    }

    /// A server event's `previous_item_id` is null or an item of the conversation (invariant 20).
    mutating func checkPreviousItemUnknown(_ object: JSONValue) {
        guard let previous = Lookup.string(object, "previous_item_id"), state.items[previous] == nil else { return }
        emit(
            .previousItemUnknown, "previous_item_id \(previous) is not an item of the conversation.",
            expected: "null or an existing item id", actual: previous, subject: previous, priorID: true)
    }
}
