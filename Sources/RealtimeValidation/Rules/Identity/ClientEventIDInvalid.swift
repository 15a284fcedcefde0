import RealtimeRecording

extension RuleInfo {
    /// `client-event-id-invalid`.
    public static let clientEventIDInvalid = RuleInfo(
        "client-event-id-invalid", .warning,
        "A client `event_id` is reused (within the last 65,536 to 131,072 ids) or longer than 512 characters.",
        requirement: "Client event ids are at most 512 characters and unique.", source: "inv. 3")
}
