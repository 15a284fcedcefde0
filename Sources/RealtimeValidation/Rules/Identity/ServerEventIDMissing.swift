import RealtimeRecording

extension RuleInfo {
    /// `server-event-id-missing`.
    public static let serverEventIDMissing = RuleInfo(
        "server-event-id-missing", .error, "A server event has no `event_id`.",
        requirement: "Every server event has a non-empty event_id (GA dtmf excepted).", source: "§1.5, inv. 2")
}
