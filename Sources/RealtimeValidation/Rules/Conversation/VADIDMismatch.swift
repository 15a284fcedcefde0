import RealtimeRecording

extension RuleInfo {
    /// `vad-id-mismatch`.
    public static let vadIDMismatch = RuleInfo(
        "vad-id-mismatch", .warning, "VAD events of one turn disagree on the item id, or their times go backwards.",
        requirement: "speech_started, speech_stopped, committed and the created item share one item_id; "
            + "times never go backwards.",
        source: "§4.5 V1–V2, inv. 25")
}
