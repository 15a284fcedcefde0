import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `session-created-once`.
    public static let sessionCreatedOnce = RuleInfo(
        "session-created-once", .error, "`session.created` arrives more than once.",
        requirement: "Exactly one session.created per connection.", source: "inv. 4")
}

extension SessionValidator {
    /// A second session.created where the state machine allows none from `ready` (`first`: the first one's line).
    mutating func checkSessionCreatedOnce(_ type: String, first: Int) {
        guard !currentMoves.allows(.session, from: ProtocolStateMachine.Phase.open) else { return }
        emit(
            .sessionCreatedOnce, "A second \(type) arrived.", expected: "exactly one",
            actual: "another at line \(line)",
            related: [RelatedLine(line: first, note: "first \(type)")])
    }
}
