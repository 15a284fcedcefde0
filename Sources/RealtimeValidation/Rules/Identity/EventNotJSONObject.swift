import RealtimeRecording

extension RuleInfo {
    /// `event-not-json-object`.
    public static let eventNotJSONObject = RuleInfo(
        "event-not-json-object", .error, "A text frame is not a JSON object with a string `type`.",
        requirement: "Every message is one JSON object with a string type.", source: "§1.5, inv. 1")
}
