import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `response-failed`.
    public static let responseFailed = RuleInfo(
        "response-failed", .warning, "A response ended with status `failed` or `incomplete`.",
        requirement: "Responses normally complete; failed and incomplete ones explain silent turns.",
        source: "§4.10")
}

extension SessionValidator {
    /// A response that ended `failed` or `incomplete`.
    mutating func checkResponseFailed(_ object: JSONValue, _ rid: String) {
        let status = Lookup.string(object, "response.status") ?? "absent"
        guard status == "failed" || status == "incomplete" else { return }
        let why =
            Lookup.string(object, "response.status_details.error.code")
            ?? Lookup.string(object, "response.status_details.reason")
        emit(
            .responseFailed, "Response \(rid) ended \(status)\(why.map { " (\($0))" } ?? "").",
            expected: "completed", actual: status + (why.map { ": \($0)" } ?? ""), subject: rid)
    }
}
