import RealtimeRecording

extension RuleInfo {
    /// `server-event-id-duplicate`.
    public static let serverEventIDDuplicate = RuleInfo(
        "server-event-id-duplicate", .warning,
        "Two server events share an `event_id` (found within the last 65,536 to 131,072 ids, so memory stays flat).",
        requirement: "Server event ids are unique within a session.", source: "inv. 2")
}
