import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `response-create-while-active`.
    public static let responseCreateWhileActive = RuleInfo(
        "response-create-while-active", .warning, "`response.create` sent while a response is still active.",
        requirement: "Wait for response.done before the next default-conversation response.create.",
        source: "§4.13, inv. 29")
}

extension SessionValidator {
    /// A `response.create` in the default conversation while a default-conversation response is active.
    mutating func checkResponseCreateWhileActive(_ object: JSONValue) {
        let outOfBand = Lookup.string(object, "response.conversation") == "none"
        guard !outOfBand, let active = state.activeDefaultResponse, let response = state.responses[active] else {
            return
        }
        emit(
            .responseCreateWhileActive,
            "response.create was sent while response \(active) is still active.",
            expected: "wait for response.done of \(active)", actual: "response.create", subject: active,
            related: [RelatedLine(line: response.createdLine, note: "\(active) created")])
    }
}
