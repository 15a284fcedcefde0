import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `function-output-unknown-call`.
    public static let functionOutputUnknownCall = RuleInfo(
        "function-output-unknown-call", .error,
        "A `function_call_output` refers to a `call_id` no function call has.",
        requirement: "function_call_output.call_id names an existing function_call item.", source: "inv. 22")
}

extension SessionValidator {
    /// A client `function_call_output` whose `call_id` no function call item has.
    mutating func checkFunctionOutputUnknownCall(_ call: String) {
        guard state.callItems[call] == nil else { return }
        emit(
            .functionOutputUnknownCall,
            "function_call_output for call_id \(call), which no function call has.",
            expected: "the call_id of an earlier function_call item", actual: call, subject: call,
            priorID: true)
    }
}
