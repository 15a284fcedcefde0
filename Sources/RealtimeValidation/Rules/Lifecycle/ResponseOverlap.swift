import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `response-overlap`.
    public static let responseOverlap = RuleInfo(
        "response-overlap", .error, "Two default-conversation responses are active at once.",
        requirement: "At most one default-conversation response is active; out-of-band ones are exempt.",
        source: "§4.13, inv. 8")
}

extension SessionValidator {
    /// A default-conversation response created while another one is active.
    mutating func checkResponseOverlap(_ rid: String) {
        guard let active = state.activeDefaultResponse, let other = state.responses[active] else { return }
        emit(
            .responseOverlap,
            "Response \(rid) started while \(active) is still active in the default conversation.",
            expected: "response.done of \(active) first", actual: "response.created of \(rid)", subject: rid,
            related: [RelatedLine(line: other.createdLine, note: "\(active) created")])
    }
}
