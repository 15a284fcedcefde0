import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `client-event-id-invalid`.
    public static let clientEventIDInvalid = RuleInfo(
        "client-event-id-invalid", .warning,
        "A client `event_id` is reused (within the last 65,536 to 131,072 ids) or longer than 512 characters.",
        requirement: "Client event ids are at most 512 characters and unique.", source: "inv. 3")
}

extension SessionValidator {
    /// A client `event_id` longer than 512 characters, or one used before (`repeated`: its first use).
    mutating func checkClientEventIDInvalid(_ idValue: JSONValue, repeated: (line: Int, type: String)?) {
        guard let id = idValue.string else { return }
        if id.count > 512 {
            emit(
                .clientEventIDInvalid, "A client event_id is longer than 512 characters.",
                expected: "≤ 512 characters", actual: "\(id.count) characters")
        }
        if let first = repeated {
            emit(
                .clientEventIDInvalid,
                "The client event_id \(id) was already used, so errors cannot be traced to one event.",
                expected: "a unique event_id", actual: id,
                related: [RelatedLine(line: first.line, note: "first use by \(first.type)")])
        }
    }
}
