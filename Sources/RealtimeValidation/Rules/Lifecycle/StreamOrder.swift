import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `stream-order`.
    public static let streamOrder = RuleInfo(
        "stream-order", .error,
        "A delta or done event arrives outside its part or item (before added, after done).",
        requirement: "content_part.added < deltas < type done < content_part.done < output_item.done.",
        source: "§4.3 N3, inv. 11")
}

extension SessionValidator {
    /// An event of an output that was never added, where the state machine needs it added.
    mutating func checkStreamOrder(noOutput index: Int, _ rid: String) {
        guard !currentMoves.allows(.item, from: ProtocolStateMachine.Phase.start) else { return }
        emit(
            .streamOrder,
            "\(currentType ?? "event") refers to output \(index) of \(rid) before its output_item.added.",
            expected: "response.output_item.added first", actual: "no output \(index)", subject: rid)
    }

    /// An event of a finished output, unless the state machine allows it from `done`.
    mutating func checkStreamOrder(afterOutput index: Int, _ output: SessionState.Output, _ rid: String, doneLine: Int)
    {
        guard !currentMoves.allows(.item, from: ProtocolStateMachine.Phase.finished) else { return }
        emit(
            .streamOrder, "\(currentType ?? "event") arrived after output \(index) of \(rid) was done.",
            expected: "before output_item.done", actual: "after it", subject: output.itemID,
            related: [RelatedLine(line: doneLine, note: "output_item.done")])
    }

    /// An event the state machine does not allow in an open output (the caller found that).
    mutating func reportStreamOrder(notInOutput index: Int, _ output: SessionState.Output, _ rid: String) {
        emit(
            .streamOrder, "\(currentType ?? "event") is not an event of open output \(index) of \(rid).",
            expected: "an event the state machine allows", actual: currentType ?? "event", subject: output.itemID)
    }

    /// An event of a finished content part, unless the state machine allows it from `done`.
    mutating func checkStreamOrder(afterPart ci: Int, _ output: SessionState.Output, doneLine: Int) {
        guard !currentMoves.allows(.part, from: ProtocolStateMachine.Phase.finished) else { return }
        emit(
            .streamOrder,
            "\(currentType ?? "event") arrived after content part \(ci) of \(output.itemID ?? "?") was done.",
            expected: "before content_part.done", actual: "after it", subject: output.itemID,
            related: [RelatedLine(line: doneLine, note: "content_part.done")])
    }

    /// An event the state machine does not allow in an open content part (the caller found that).
    mutating func reportStreamOrder(notInPart ci: Int, _ output: SessionState.Output) {
        emit(
            .streamOrder,
            "\(currentType ?? "event") is not an event of open content part \(ci) of \(output.itemID ?? "?").",
            expected: "an event the state machine allows", actual: currentType ?? "event", subject: output.itemID)
    }
}
