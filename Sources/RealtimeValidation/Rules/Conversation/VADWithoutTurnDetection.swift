import RealtimeRecording

extension RuleInfo {
    /// `vad-without-turn-detection`.
    public static let vadWithoutTurnDetection = RuleInfo(
        "vad-without-turn-detection", .warning, "Speech events while turn detection is off.",
        requirement: "No speech_started/stopped when the effective turn_detection is null.", source: "inv. 26")
}
