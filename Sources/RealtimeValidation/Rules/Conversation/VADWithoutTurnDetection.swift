import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `vad-without-turn-detection`.
    public static let vadWithoutTurnDetection = RuleInfo(
        "vad-without-turn-detection", .warning, "Speech events while turn detection is off.",
        requirement: "No speech_started/stopped when the effective turn_detection is null.", source: "inv. 26")
}

extension SessionValidator {
    /// Whether the effective session turned turn detection off (GA or beta spelling).
    var turnDetectionOff: Bool {
        if let ga = Lookup.value(state.config, "audio.input.turn_detection") { return ga.isNull }
        return Lookup.value(state.config, "turn_detection")?.isNull ?? false
    }

    /// A VAD event (`event`: speech_started or speech_stopped) while `turn_detection` is null.
    mutating func checkVADWithoutTurnDetection(_ event: String) {
        guard turnDetectionOff else { return }
        let short = event.split(separator: ".").last.map(String.init) ?? event
        emit(
            .vadWithoutTurnDetection, "\(short) arrived while turn_detection is null.",
            expected: "no VAD events", actual: event)
    }
}
