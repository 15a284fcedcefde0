import RealtimeRecording

extension RuleInfo {
    /// `audio-sample-alignment`.
    public static let audioSampleAlignment = RuleInfo(
        "audio-sample-alignment", .warning, "An audio part's bytes are not a whole number of samples.",
        requirement: "PCM16 audio comes in whole 2-byte samples.", source: "inv. 17")
}
