import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `truncate-target-invalid`.
    public static let truncateTargetInvalid = RuleInfo(
        "truncate-target-invalid", .error,
        "`conversation.item.truncate` targets something other than assistant audio.",
        requirement: "Truncate an assistant message item's audio content part.", source: "§4.8 C2, inv. 23")
}

extension SessionValidator {
    /// Whether a truncate's item is an assistant message (reported when not; the truncate's other checks stop there).
    mutating func truncateTargetIsAssistant(_ item: SessionState.Item, _ id: String) -> Bool {
        guard item.type != "message" || item.role != "assistant" else { return true }
        if runs(.truncateTargetInvalid) {
            emit(
                .truncateTargetInvalid,
                "Only assistant audio can be truncated, but \(id) is a \(item.role ?? "") \(item.type ?? "item").",
                expected: "an assistant message with audio", actual: "\(item.role ?? "?") \(item.type ?? "?")",
                subject: id,
                related: [RelatedLine(line: item.line, note: "item created")])
        }
        return false
    }

    /// Whether the truncated content part is audio (reported when not).
    mutating func truncateTargetIsAudio(_ part: SessionState.Part, _ ci: Int, _ id: String) -> Bool {
        guard part.type != "audio" else { return true }
        if runs(.truncateTargetInvalid) {
            emit(
                .truncateTargetInvalid, "Content part \(ci) of \(id) is \(part.type ?? "not audio"), not audio.",
                expected: "an audio part", actual: part.type ?? "?", subject: id)
        }
        return false
    }
}
