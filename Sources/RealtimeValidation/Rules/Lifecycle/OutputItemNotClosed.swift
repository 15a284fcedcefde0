import RealtimeRecording

extension RuleInfo {
    /// `output-item-not-closed`.
    public static let outputItemNotClosed = RuleInfo(
        "output-item-not-closed", .error, "An output item or content part is never closed.",
        requirement: "Every output_item.added / content_part.added gets its done before response.done, "
            + "also when cancelled.",
        source: "§4.3 N4, inv. 9, 11")
}
