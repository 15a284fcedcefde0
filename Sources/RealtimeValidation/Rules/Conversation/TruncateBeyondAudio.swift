import RealtimeRecording

extension RuleInfo {
    /// `truncate-beyond-audio`.
    public static let truncateBeyondAudio = RuleInfo(
        "truncate-beyond-audio", .warning, "A truncate's `audio_end_ms` exceeds the audio received (or none was).",
        requirement: "audio_end_ms is at most the duration of audio received for that part.",
        source: "§4.8, inv. 24")
}
