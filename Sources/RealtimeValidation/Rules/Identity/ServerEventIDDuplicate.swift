import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `server-event-id-duplicate`.
    public static let serverEventIDDuplicate = RuleInfo(
        "server-event-id-duplicate", .warning,
        "Two server events share an `event_id` (found within the last 65,536 to 131,072 ids, so memory stays flat).",
        requirement: "Server event ids are unique within a session.", source: "inv. 2")
}

extension SessionValidator {
    /// A server `event_id` seen before (within the recent-id window; `IdentityChecks` remembers them).
    mutating func reportServerEventIDDuplicate(_ idValue: JSONValue, first: Int) {
        let id = idValue.string ?? ""
        // `idValue` is the current event's `event_id`: passed as the finding's event id, it is not decoded again.
        emit(
            .serverEventIDDuplicate, "The server event_id \(id) was already used.",
            expected: "a new event_id", actual: id, related: [RelatedLine(line: first, note: "first use")],
            eventID: id)
    }
}
