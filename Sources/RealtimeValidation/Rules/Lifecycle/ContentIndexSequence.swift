import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `content-index-sequence`.
    public static let contentIndexSequence = RuleInfo(
        "content-index-sequence", .error, "Content indexes of an item skip or repeat, or reference no part.",
        requirement: "content_part.added indexes run 0, 1, …; deltas and dones refer to an open part of the item.",
        source: "inv. 11")
}

extension SessionValidator {
    /// content_part.added takes the item's next content index, from a phase the state machine allows.
    mutating func checkContentIndexSequence(added ci: Int, _ output: SessionState.Output) {
        let phase = output.parts[ci].map { $0.doneLine == nil ? Phase.open : Phase.finished }
        guard ci != output.nextContentIndex || !currentMoves.allows(.part, from: phase ?? Phase.start) else {
            return
        }
        emit(
            .contentIndexSequence, "Content index \(ci) of item \(output.itemID ?? "?") is out of sequence.",
            expected: "\(output.nextContentIndex)", actual: "\(ci)", subject: output.itemID)
    }

    /// An event of a content part that was never added, where the state machine needs it added.
    mutating func checkContentIndexSequence(noPart ci: Int, _ output: SessionState.Output) {
        guard !currentMoves.allows(.part, from: ProtocolStateMachine.Phase.start) else { return }
        emit(
            .contentIndexSequence,
            "\(currentType ?? "event") refers to content part \(ci) of \(output.itemID ?? "?"), which was never added.",
            expected: "response.content_part.added first", actual: "no part \(ci)", subject: output.itemID)
    }

    /// A content delta names the item at its output index.
    mutating func checkContentIndexSequence(deltaItem object: JSONValue, _ output: SessionState.Output) {
        guard let item = Lookup.string(object, "item_id"), item != output.itemID else { return }
        emit(
            .contentIndexSequence,
            "\(currentType ?? "delta") names item \(item), but output \(Lookup.int(object, "output_index") ?? -1) is \(output.itemID ?? "?").",
            expected: output.itemID ?? "?", actual: item, subject: item)
    }
}
