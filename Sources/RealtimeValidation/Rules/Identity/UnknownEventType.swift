import RealtimeRecording

extension RuleInfo {
    /// `unknown-event-type`.
    public static let unknownEventType = RuleInfo(
        "unknown-event-type", .warning, "An event type the catalog does not know.",
        requirement: "Event types come from the protocol; new ones are reported, not rejected.",
        source: "§5 inv. 1")
}
