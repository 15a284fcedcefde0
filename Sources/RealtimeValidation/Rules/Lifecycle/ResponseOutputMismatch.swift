import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `response-output-mismatch`.
    public static let responseOutputMismatch = RuleInfo(
        "response-output-mismatch", .error, "`response.done.output` does not list the response's items in order.",
        requirement: "response.done.response.output holds the items of output_item.added, in output_index order.",
        source: "inv. 10")
}

extension SessionValidator {
    /// response.done's `output` lists the items that were added, in order.
    mutating func checkResponseOutputMismatch(_ object: JSONValue, _ response: SessionState.Response) {
        let outputIDs = (Lookup.array(object, "response.output") ?? []).map { $0["id"]?.string }
        let addedIDs = response.outputs.sorted(by: { $0.key < $1.key }).map(\.value.itemID)
        guard outputIDs != addedIDs else { return }
        emit(
            .responseOutputMismatch,
            "response.done.output of \(response.id) does not list the items that were added.",
            expected: "[\(addedIDs.map { $0 ?? "?" }.joined(separator: ", "))]",
            actual: "[\(outputIDs.map { $0 ?? "?" }.joined(separator: ", "))]", subject: response.id,
            related: [RelatedLine(line: response.createdLine, note: "response.created")])
    }
}
