import RealtimeRecording

extension RuleInfo {
    /// `transcript-accumulation`.
    public static let transcriptAccumulation = RuleInfo(
        "transcript-accumulation", .error, "Audio transcript deltas do not add up to the final transcript.",
        requirement: "concat(transcript deltas) = audio_transcript.done.transcript = part.transcript = item "
            + "content transcript.",
        source: "inv. 16")
}
