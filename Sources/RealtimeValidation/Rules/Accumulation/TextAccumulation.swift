import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `text-accumulation`.
    public static let textAccumulation = RuleInfo(
        "text-accumulation", .error, "Text deltas do not add up to the final text.",
        requirement: "concat(text deltas) = text.done.text = content_part.done.part.text = item content text.",
        source: "inv. 15")
}

extension SessionValidator {
    /// A final text value (`final`: of a done event, a finished part or item) equals the concatenated deltas
    /// (`buffer`); `checkAccumulated` (StreamChecks.swift) picks this rule by the field's name.
    mutating func checkTextAccumulation(
        _ final: String, _ buffer: String, _ output: SessionState.Output, _ message: @autoclosure () -> FindingText
    ) {
        guard final != buffer else { return }
        emit(
            .textAccumulation, message(), expected: Lookup.render(buffer), actual: Lookup.render(final),
            subject: output.itemID)
    }
}
