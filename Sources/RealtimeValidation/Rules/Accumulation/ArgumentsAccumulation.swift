import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `arguments-accumulation`.
    public static let argumentsAccumulation = RuleInfo(
        "arguments-accumulation", .error,
        "Function-call argument deltas, `call_id` or `name` disagree with the done event or the item.",
        requirement: "concat(argument deltas) = arguments.done.arguments = item.arguments; call_id and name agree.",
        source: "§4.4, inv. 18")
}

extension SessionValidator {
    /// A final arguments value (`final`: of a done event, a finished part or item) equals the concatenated deltas
    /// (`buffer`); `checkAccumulated` (StreamChecks.swift) picks this rule by the field's name.
    mutating func checkArgumentsAccumulation(
        _ final: String, _ buffer: String, _ output: SessionState.Output, _ message: @autoclosure () -> FindingText
    ) {
        guard final != buffer else { return }
        emit(
            .argumentsAccumulation, message(), expected: Lookup.render(buffer), actual: Lookup.render(final),
            subject: output.itemID)
    }

    /// An arguments delta carries the item's call_id.
    mutating func checkArgumentsCallID(_ object: JSONValue, _ output: SessionState.Output) {
        guard let call = Lookup.string(object, "call_id"), let expected = output.callID, call != expected else {
            return
        }
        emit(
            .argumentsAccumulation, "call_id \(call) differs from the item's \(expected).",
            expected: expected,
            actual: call, subject: output.itemID)
    }

    /// function_call_arguments.done: the arguments the deltas built, and the item's call_id and name.
    mutating func checkArgumentsAccumulation(done object: JSONValue, _ arguments: String, _ output: SessionState.Output)
    {
        if arguments != output.arguments {
            emit(
                .argumentsAccumulation,
                "function_call_arguments.done.arguments differs from the concatenated deltas.",
                expected: Lookup.render(output.arguments), actual: Lookup.render(arguments), subject: output.itemID)
        }
        if let call = Lookup.string(object, "call_id"), let expected = output.callID, call != expected {
            emit(
                .argumentsAccumulation, "call_id \(call) differs from the item's \(expected).", expected: expected,
                actual: call,
                subject: output.itemID)
        }
        if let name = Lookup.string(object, "name"), let expected = output.name, name != expected {
            emit(
                .argumentsAccumulation, "function name \(name) differs from the item's \(expected).",
                expected: expected,
                actual: name, subject: output.itemID)
        }
    }

    /// A finished function_call item's `arguments` equal what was streamed (`place`: which event carries the item).
    mutating func checkArgumentsAccumulation(item: JSONValue, _ output: SessionState.Output, where place: String) {
        guard output.itemType == "function_call", output.argumentsDone || !output.arguments.isEmpty,
            let arguments = item["arguments"]?.string, arguments != output.arguments
        else { return }
        emit(
            .argumentsAccumulation, "\(place) item.arguments differs from the streamed arguments.",
            expected: Lookup.render(output.arguments), actual: Lookup.render(arguments), subject: output.itemID)
    }
}
