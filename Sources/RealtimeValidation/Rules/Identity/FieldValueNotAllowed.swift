import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `field-value-not-allowed`.
    public static let fieldValueNotAllowed = RuleInfo(
        "field-value-not-allowed", .warning, "A string field holds a value outside its documented set.",
        requirement: "Enumerated fields use documented values.", source: "§2.2, §3.3, §4.10")
}

extension SessionValidator {
    /// A string field with a fixed set of values holds another.
    mutating func checkFieldValueNotAllowed(_ spec: EventSpec, _ field: FieldSpec, _ found: JSONValue?) {
        guard let value = found, !value.isNull, let allowed = field.allowed, let text = value.string,
            !allowed.contains(text)
        else { return }
        emit(
            .fieldValueNotAllowed, "\(spec.name).\(field.path) has an undocumented value.",
            expected: "one of \(allowed.joined(separator: ", "))", actual: JSONText.quoted(text))
    }
}
