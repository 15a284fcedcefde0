import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `output-item-not-closed`.
    public static let outputItemNotClosed = RuleInfo(
        "output-item-not-closed", .error, "An output item or content part is never closed.",
        requirement: "Every output_item.added / content_part.added gets its done before response.done, "
            + "also when cancelled.",
        source: "§4.3 N4, inv. 9, 11")
}

extension SessionValidator {
    /// At response.done: every output item of the response got its output_item.done.
    mutating func checkOutputItemNotClosed(_ response: SessionState.Response) {
        let created = RelatedLine(line: response.createdLine, note: "response.created")
        for (i, output) in response.outputs.sorted(by: { $0.key < $1.key }) where output.doneLine == nil {
            emit(
                .outputItemNotClosed,
                "Output item \(i) (\(output.itemID ?? "?")) of \(response.id) has no output_item.done.",
                expected: "response.output_item.done before response.done", actual: "missing",
                subject: output.itemID,
                related: [RelatedLine(line: output.addedLine, note: "output_item.added"), created])
        }
    }

    /// At output_item.done: every content part of the item got its content_part.done.
    mutating func checkOutputItemNotClosed(_ output: SessionState.Output) {
        for (ci, part) in output.parts.sorted(by: { $0.key < $1.key }) where part.doneLine == nil {
            emit(
                .outputItemNotClosed,
                "Content part \(ci) of item \(output.itemID ?? "?") has no content_part.done.",
                expected: "response.content_part.done before output_item.done", actual: "missing",
                subject: output.itemID,
                related: [RelatedLine(line: part.addedLine, note: "content_part.added")])
        }
    }
}
