import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `audio-sample-alignment`.
    public static let audioSampleAlignment = RuleInfo(
        "audio-sample-alignment", .warning, "An audio part's bytes are not a whole number of samples.",
        requirement: "PCM16 audio comes in whole 2-byte samples.", source: "inv. 17")
}

extension SessionValidator {
    /// At the audio stream's done: PCM16 output audio is whole samples (an even byte count).
    mutating func checkAudioSampleAlignment(_ part: SessionState.Part, _ ci: Int, _ output: SessionState.Output) {
        guard part.audioBytes % 2 != 0, isPCM16Output else { return }
        emit(
            .audioSampleAlignment,
            "Audio of item \(output.itemID ?? "?") part \(ci) is \(part.audioBytes) bytes, not whole PCM16 samples.",
            expected: "an even byte count", actual: "\(part.audioBytes) bytes", subject: output.itemID)
    }
}
