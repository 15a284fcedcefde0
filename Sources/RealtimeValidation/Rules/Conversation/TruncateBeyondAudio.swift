import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `truncate-beyond-audio`.
    public static let truncateBeyondAudio = RuleInfo(
        "truncate-beyond-audio", .warning, "A truncate's `audio_end_ms` exceeds the audio received (or none was).",
        requirement: "audio_end_ms is at most the duration of audio received for that part.",
        source: "§4.8, inv. 24")
}

extension SessionValidator {
    /// `audio_end_ms` of a truncate within the audio received for that part (none received counts as beyond).
    mutating func checkTruncateBeyondAudio(_ object: JSONValue, _ part: SessionState.Part, _ id: String) {
        let bytesPerMs = isPCM16Output ? 48.0 : 8.0
        let received = Int((Double(part.audioBytes) / bytesPerMs).rounded(.down))
        let end = Lookup.int(object, "audio_end_ms") ?? 0
        if part.audioBytes == 0 {
            emit(
                .truncateBeyondAudio, "Truncating \(id) before any of its audio arrived.",
                expected: "audio received first",
                actual: "0 ms received, audio_end_ms \(end)", subject: id)
        } else if end > received {
            emit(
                .truncateBeyondAudio,
                "audio_end_ms \(end) is beyond the \(received) ms of audio received for \(id).",
                expected: "≤ \(received) ms", actual: "\(end) ms", subject: id)
        }
    }
}
