import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `transport-error`.
    public static let transportError = RuleInfo(
        "transport-error", .error,
        "The recording holds a transport error instead of a frame: a frame over `record --max-frame-size` "
            + "(not forwarded; the connection was closed with 1009), or an error entry of an imported log.",
        requirement: "Every message of the session crossed the connection.", source: "docs/recording-format.md")
}

extension SessionValidator {
    /// Every transport error entry of the input is a finding.
    mutating func checkTransportError(_ event: ValidatorEvent) {
        emit(
            .transportError,
            "A transport error is recorded here: \(event.note.map { String($0.prefix(300)) } ?? "(no detail)").")
    }
}
