import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `transcript-accumulation`.
    public static let transcriptAccumulation = RuleInfo(
        "transcript-accumulation", .error, "Audio transcript deltas do not add up to the final transcript.",
        requirement: "concat(transcript deltas) = audio_transcript.done.transcript = part.transcript = item "
            + "content transcript.",
        source: "inv. 16")
}

extension SessionValidator {
    /// A final transcript value (`final`: of a done event, a finished part or item) equals the concatenated deltas
    /// (`buffer`); `checkAccumulated` (StreamChecks.swift) picks this rule by the field's name.
    mutating func checkTranscriptAccumulation(
        _ final: String, _ buffer: String, _ output: SessionState.Output, _ message: @autoclosure () -> FindingText
    ) {
        guard final != buffer else { return }
        emit(
            .transcriptAccumulation, message(), expected: Lookup.render(buffer), actual: Lookup.render(final),
            subject: output.itemID)
    }
}
