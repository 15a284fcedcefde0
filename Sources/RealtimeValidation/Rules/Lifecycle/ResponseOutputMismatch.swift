import RealtimeRecording

extension RuleInfo {
    /// `response-output-mismatch`.
    public static let responseOutputMismatch = RuleInfo(
        "response-output-mismatch", .error, "`response.done.output` does not list the response's items in order.",
        requirement: "response.done.response.output holds the items of output_item.added, in output_index order.",
        source: "inv. 10")
}
