import RealtimeRecording

extension RuleInfo {
    /// `output-index-sequence`.
    public static let outputIndexSequence = RuleInfo(
        "output-index-sequence", .error, "Output indexes of a response skip or repeat.",
        requirement: "output_item.added indexes run 0, 1, 2, … without gaps or repeats.", source: "inv. 9")
}
