import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `response-status-invalid`.
    public static let responseStatusInvalid = RuleInfo(
        "response-status-invalid", .error, "A response status, `status_details.type` or reason is inconsistent.",
        requirement: "created: in_progress; done: completed|cancelled|incomplete|failed; details match status.",
        source: "§4.10, inv. 7")
}

extension SessionValidator {
    /// The statuses a response may end with: the catalog's values of `response.status_details.type` (one per way a
    /// response ends), in the catalog's order.
    static func terminalStatuses(_ catalog: EventCatalog) -> [String] {
        catalog.spec(for: EventNames.responseDone)?.fields.first { $0.path == "response.status_details.type" }?
            .allowed ?? []
    }

    static let reasonsByStatus = [
        "cancelled": ["turn_detected", "client_cancelled"], "incomplete": ["max_output_tokens", "content_filter"],
    ]

    /// response.created announces an `in_progress` response.
    mutating func checkResponseStatusInvalid(created object: JSONValue, _ rid: String) {
        let status = Lookup.string(object, "response.status")
        guard status != "in_progress" else { return }
        emit(
            .responseStatusInvalid, "response.created has status \(status ?? "none").", expected: "in_progress",
            actual: status ?? "absent", subject: rid)
    }

    /// response.done ends with a terminal status whose details agree with it.
    mutating func checkResponseStatusInvalid(done object: JSONValue, _ rid: String) {
        let status = Lookup.string(object, "response.status") ?? "absent"
        guard terminalStatuses.contains(status) else {
            emit(
                .responseStatusInvalid, "response.done of \(rid) has status \(status).",
                expected: terminalStatuses.joined(separator: " | "), actual: status, subject: rid)
            return
        }
        if let detailType = Lookup.string(object, "response.status_details.type"), detailType != status {
            emit(
                .responseStatusInvalid, "status_details.type \(detailType) contradicts status \(status).",
                expected: status, actual: detailType, subject: rid)
        }
        if let reason = Lookup.string(object, "response.status_details.reason"),
            let allowed = Self.reasonsByStatus[status],
            !allowed.contains(reason)
        {
            emit(
                .responseStatusInvalid, "Reason \(reason) does not fit status \(status).",
                expected: allowed.joined(separator: " | "), actual: reason, subject: rid)
        }
    }
}
