import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `function-output-without-response`.
    public static let functionOutputWithoutResponse = RuleInfo(
        "function-output-without-response", .warning,
        "A `function_call_output` is never followed by a response (the assistant goes silent).",
        requirement: "After sending a function_call_output, send response.create so the model continues.",
        source: "§4.4 step 3")
}

extension SessionValidator {
    /// Function outputs no response followed, at the end of the session.
    mutating func finishFunctionOutputWithoutResponse() {
        for output in state.functionOutputsAwaitingResponse {
            emit(
                .functionOutputWithoutResponse,
                "function_call_output for \(output.callID) was never followed by a response.",
                expected: "response.create after the function output", actual: "no response by the end",
                subject: output.callID, line: output.line, index: output.index, type: EventNames.itemCreate)
        }
    }
}
