import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `output-index-sequence`.
    public static let outputIndexSequence = RuleInfo(
        "output-index-sequence", .error, "Output indexes of a response skip or repeat.",
        requirement: "output_item.added indexes run 0, 1, 2, … without gaps or repeats.", source: "inv. 9")
}

extension SessionValidator {
    /// output_item.added takes the next output index, from a phase the state machine allows.
    mutating func checkOutputIndexSequence(added outputIndex: Int, _ response: SessionState.Response) {
        let phase = response.outputs[outputIndex].map { $0.doneLine == nil ? Phase.open : Phase.finished }
        guard outputIndex != response.nextOutputIndex || !currentMoves.allows(.item, from: phase ?? Phase.start)
        else { return }
        emit(
            .outputIndexSequence, "Output index \(outputIndex) of \(response.id) is out of sequence.",
            expected: "\(response.nextOutputIndex)", actual: "\(outputIndex)", subject: response.id)
    }

    /// output_item.done carries the item that was added at its index.
    mutating func checkOutputIndexSequence(
        done object: JSONValue, _ outputIndex: Int, _ output: SessionState.Output, _ rid: String
    ) {
        guard let id = Lookup.string(object, "item.id"), id != output.itemID else { return }
        emit(
            .outputIndexSequence,
            "output_item.done at index \(outputIndex) carries item \(id), not \(output.itemID ?? "?").",
            expected: output.itemID ?? "?", actual: id, subject: rid,
            related: [RelatedLine(line: output.addedLine, note: "output_item.added")])
    }
}
