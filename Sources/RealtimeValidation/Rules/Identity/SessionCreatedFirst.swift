import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `session-created-first`.
    public static let sessionCreatedFirst = RuleInfo(
        "session-created-first", .error, "The first server event is not `session.created`.",
        requirement: "session.created (or transcription_session.created) is the first server event.",
        source: "§4.1 R1, inv. 4")
}

extension SessionValidator {
    /// The session's first server event must be one the state machine allows from `connecting` (session.created).
    mutating func checkSessionCreatedFirst(_ type: String) {
        guard !currentMoves.allows(.session, from: ProtocolStateMachine.Phase.start) else { return }
        emit(
            .sessionCreatedFirst, "The first server event is \(type), not session.created.",
            expected: "session.created", actual: type)
    }
}
