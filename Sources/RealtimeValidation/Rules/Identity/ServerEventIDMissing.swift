import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `server-event-id-missing`.
    public static let serverEventIDMissing = RuleInfo(
        "server-event-id-missing", .error, "A server event has no `event_id`.",
        requirement: "Every server event has a non-empty event_id (GA dtmf excepted).", source: "§1.5, inv. 2")
}

extension SessionValidator {
    /// A server event without a non-empty string `event_id`, where the catalog requires one.
    mutating func checkServerEventIDMissing(_ type: String) {
        guard catalog.spec(for: type)?.requiredFields.contains(where: { $0.path == "event_id" }) == true else {
            return
        }
        emit(
            .serverEventIDMissing, "The server event \(type) has no event_id.",
            expected: "a non-empty event_id", actual: "absent or empty")
    }
}
