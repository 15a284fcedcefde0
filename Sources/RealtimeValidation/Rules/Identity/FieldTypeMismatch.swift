import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `field-type-mismatch`.
    public static let fieldTypeMismatch = RuleInfo(
        "field-type-mismatch", .error, "A field has the wrong JSON type, or is null where null is not allowed.",
        requirement: "Fields have the JSON types the catalog gives.", source: "§2.3–§3.3")
}

extension SessionValidator {
    /// A field of the wrong JSON kind, or null where it may not be (`FieldRule.problem` decides, shared with the delta
    /// fast path).
    mutating func reportFieldTypeMismatch(_ spec: EventSpec, _ field: FieldSpec, _ found: JSONValue?) {
        let kinds = field.kinds.map(\.rawValue).joined(separator: " | ")
        if found?.isNull ?? false {
            emit(.fieldTypeMismatch, "\(spec.name).\(field.path) is null.", expected: kinds, actual: "null")
        } else {
            emit(
                .fieldTypeMismatch, "\(spec.name).\(field.path) has the wrong JSON type.", expected: kinds,
                actual: "\(found?.kind.rawValue ?? "") \(Lookup.render(found))")
        }
    }
}
