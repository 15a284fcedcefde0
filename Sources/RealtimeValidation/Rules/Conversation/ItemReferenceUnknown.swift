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
