import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `event-not-json-object`.
    public static let eventNotJSONObject = RuleInfo(
        "event-not-json-object", .error, "A text frame is not a JSON object with a string `type`.",
        requirement: "Every message is one JSON object with a string type.", source: "§1.5, inv. 1")
}

extension SessionValidator {
    /// A text frame whose payload is not a JSON object with a string `type` (the caller found no type to look up).
    mutating func checkEventNotJSONObject(_ event: ValidatorEvent, _ parsed: JSONValue?) {
        emit(
            .eventNotJSONObject,
            "The \(event.direction.word) text frame is not a JSON object with a string type.",
            expected: "{\"type\": \"…\", …}", actual: parsed == nil ? "not a JSON object" : "no string type")
    }
}
