import RealtimeRecording

extension RuleInfo {
    /// `input-transcript-accumulation`.
    public static let inputTranscriptAccumulation = RuleInfo(
        "input-transcript-accumulation", .warning, "Input transcription deltas do not add up to the transcript.",
        requirement: "concat(input transcription deltas) = ….completed.transcript.", source: "§4.7 T3, inv. 19")
}
