import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `item-reference-unknown`.
    public static let itemReferenceUnknown = RuleInfo(
        "item-reference-unknown", .error, "An event refers to an item that does not exist (or was deleted).",
        requirement: "deleted/truncated/retrieved and transcription events refer to existing items.",
        source: "§4.7 T2, inv. 21")
}

extension SessionValidator {
    /// Transcription events whose item never appeared, at the end of the session.
    mutating func finishItemReferenceUnknown() {
        for (id, first) in state.earlyTranscriptionItems.sorted(by: { $0.value.line < $1.value.line }) {
            emit(
                .itemReferenceUnknown, "Transcription events refer to item \(id), which never appeared.",
                expected: "the item's created/added event", actual: "none", subject: id, line: first.line,
                index: first.index, priorID: true)
        }
    }
}

extension SessionValidator {
    /// An event naming item `id` (`what` it is to the event) needs the item in the conversation.
    mutating func requireItem(_ id: String?, what: String) {
        guard let id, state.items[id] == nil, runs(.itemReferenceUnknown) else { return }
        let deleted = state.deletedItems.contains(id)
        emit(
            .itemReferenceUnknown, "The \(what) \(id) \(deleted ? "was deleted" : "is not in the conversation").",
            expected: "an existing item", actual: id, subject: id, priorID: !deleted)
    }
}
