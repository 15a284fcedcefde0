import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `response-not-done`.
    public static let responseNotDone = RuleInfo(
        "response-not-done", .error, "A response never gets its `response.done`.",
        requirement: "response.done is always sent, whatever the outcome.", source: "§4.3 N1, inv. 6")
}

extension SessionValidator {
    /// Responses never done, at the end of the session.
    mutating func finishResponseNotDone() {
        for rid in state.responseOrder {
            guard let response = state.responses[rid], response.doneLine == nil else { continue }
            emit(
                .responseNotDone, "Response \(rid) never got its response.done.", expected: "response.done",
                actual: "end of recording", subject: rid, line: response.createdLine, index: 0,
                type: EventNames.responseCreated)
        }
    }
}
