import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `server-error`.
    public static let serverError = RuleInfo(
        "server-error", .warning, "The server sent an `error` event.",
        requirement: "A client that speaks the protocol correctly gets no errors.", source: "§4.9")
}

extension SessionValidator {
    /// Every server `error` event is a finding (`related`: the client event it answers, when known).
    mutating func reportServerError(code: String, message: String, related: [RelatedLine]) {
        emit(
            .serverError, "The server rejected a request: \(code)\(message.isEmpty ? "" : " — \(message)")",
            expected: "no error", actual: code, related: RelatedLines(related))
    }
}
