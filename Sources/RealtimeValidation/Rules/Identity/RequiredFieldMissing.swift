import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `required-field-missing`.
    public static let requiredFieldMissing = RuleInfo(
        "required-field-missing", .error, "A field the catalog marks required is absent.",
        requirement: "Each event carries its required fields (null counts as present).", source: "§2.3–§3.3")
}

extension SessionValidator {
    /// A required field is absent (`FieldRule.problem` decides, shared with the delta fast path).
    mutating func reportRequiredFieldMissing(_ spec: EventSpec, _ field: FieldSpec) {
        let kinds = field.kinds.map(\.rawValue).joined(separator: " | ")
        emit(
            .requiredFieldMissing, "\(spec.name) has no \(field.path).", expected: "\(field.path): \(kinds)",
            actual: "absent")
    }
}
