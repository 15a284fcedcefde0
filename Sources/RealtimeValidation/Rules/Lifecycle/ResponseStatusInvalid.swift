import RealtimeRecording

extension RuleInfo {
    /// `response-status-invalid`.
    public static let responseStatusInvalid = RuleInfo(
        "response-status-invalid", .error, "A response status, `status_details.type` or reason is inconsistent.",
        requirement: "created: in_progress; done: completed|cancelled|incomplete|failed; details match status.",
        source: "§4.10, inv. 7")
}
