import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `cancel-unresolved`.
    public static let cancelUnresolved = RuleInfo(
        "cancel-unresolved", .warning, "`response.cancel` is followed by neither a finished response nor an error.",
        requirement: "After response.cancel the response ends (cancelled) or error response_cancel_not_active.",
        source: "§4.8 C1, inv. 30")
}

extension SessionValidator {
    /// Cancels that nothing resolved, at the end of the session.
    mutating func finishCancelUnresolved() {
        for cancel in state.cancels {
            emit(
                .cancelUnresolved, "response.cancel was followed by neither a finished response nor an error.",
                expected: "response.done (cancelled) or error response_cancel_not_active", actual: "nothing",
                subject: cancel.responseID, line: cancel.line, index: cancel.index, type: EventNames.responseCancel)
        }
    }
}
