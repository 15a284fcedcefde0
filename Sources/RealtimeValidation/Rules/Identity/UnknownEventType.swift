import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `unknown-event-type`.
    public static let unknownEventType = RuleInfo(
        "unknown-event-type", .warning, "An event type the catalog does not know.",
        requirement: "Event types come from the protocol; new ones are reported, not rejected.",
        source: "§5 inv. 1")
}

extension SessionValidator {
    /// An event type the catalog does not know (`spec` nil), or one sent by the wrong side.
    mutating func checkUnknownEventType(_ type: String, _ spec: EventSpec?, _ direction: Direction) {
        guard let spec else {
            emit(
                .unknownEventType, "The event type \(type) is not in the catalog.", expected: "a known event type",
                actual: type)
            return
        }
        guard spec.direction != direction else { return }
        emit(
            .unknownEventType,
            "\(type) is a \(spec.direction.word) event but was sent by the \(direction.word).",
            expected: "sent by the \(spec.direction.word)", actual: "sent by the \(direction.word)")
    }
}
