import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `client-event-unanswered`.
    public static let clientEventUnanswered = RuleInfo(
        "client-event-unanswered", .warning, "A client event gets neither its answer nor an error.",
        requirement: "Each acknowledged client event is answered (or rejected with error.event_id).",
        source: "§4.2, inv. 27")
}

extension SessionValidator {
    /// Client requests still waiting for their answer at the end of the session.
    mutating func finishClientEventUnanswered() {
        for request in state.pending {
            emit(
                .clientEventUnanswered,
                "\(request.type) got neither \(request.answers.sorted().joined(separator: " nor ")) nor an error.",
                expected: request.answers.sorted().joined(separator: " | "),
                actual: "no answer by the end of the recording",
                line: request.line, index: request.index, type: request.type, eventID: request.eventID)
        }
    }
}
