import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `input-transcript-accumulation`.
    public static let inputTranscriptAccumulation = RuleInfo(
        "input-transcript-accumulation", .warning, "Input transcription deltas do not add up to the transcript.",
        requirement: "concat(input transcription deltas) = ….completed.transcript.", source: "§4.7 T3, inv. 19")
}

extension SessionValidator {
    /// Input transcription deltas of an item add up to its `completed.transcript`.
    mutating func checkInputTranscriptAccumulation(_ object: JSONValue, deltas: String, _ id: String) {
        guard let transcript = Lookup.string(object, "transcript"), deltas != transcript else { return }
        emit(
            .inputTranscriptAccumulation, "Input transcription deltas of \(id) do not add up to the transcript.",
            expected: Lookup.render(transcript), actual: Lookup.render(deltas), subject: id)
    }
}
