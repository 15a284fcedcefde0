import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `delta-family-mismatch`.
    public static let deltaFamilyMismatch = RuleInfo(
        "delta-family-mismatch", .error, "A delta does not fit its part or item type.",
        requirement: "Text deltas on text parts, audio and transcript deltas on audio parts, argument deltas "
            + "on function_call items.",
        source: "inv. 12")
}

extension SessionValidator {
    /// Function-call argument deltas go to a function_call item.
    mutating func checkDeltaFamilyMismatch(arguments stream: StreamSpec, _ output: SessionState.Output) {
        guard stream.keys.contains("call_id"), output.itemType != "function_call" else { return }
        emit(
            .deltaFamilyMismatch, "Argument deltas on a \(output.itemType ?? "?") item.",
            expected: "a function_call item", actual: output.itemType ?? "?", subject: output.itemID)
    }

    /// A content delta goes to a part of its stream's type.
    mutating func checkDeltaFamilyMismatch(
        _ stream: StreamSpec, _ part: SessionState.Part, _ output: SessionState.Output
    ) {
        guard let wanted = stream.partType, let actual = part.type, wanted != actual else { return }
        emit(
            .deltaFamilyMismatch, "\(currentType ?? "delta") on a \(actual) part.", expected: "a \(wanted) part",
            actual: "a \(actual) part", subject: output.itemID)
    }
}
