import RealtimeRecording

extension RuleInfo {
    /// `function-output-unknown-call`.
    public static let functionOutputUnknownCall = RuleInfo(
        "function-output-unknown-call", .error,
        "A `function_call_output` refers to a `call_id` no function call has.",
        requirement: "function_call_output.call_id names an existing function_call item.", source: "inv. 22")
}
