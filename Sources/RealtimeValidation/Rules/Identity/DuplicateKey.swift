import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `duplicate-key`.
    public static let duplicateKey = RuleInfo(
        "duplicate-key", .warning,
        "An object in an event has the same key twice (rtscope, like jq and JavaScript, reads the last one).",
        requirement: "The names within a JSON object should be unique; parsers disagree on repeated ones.",
        source: "RFC 8259 §4")
}

extension SessionValidator {
    /// A key repeated in one object of the event (the tape notes the first while parsing).
    mutating func checkDuplicateKey(_ object: JSONValue) {
        guard let key = object.repeatedKey else { return }
        emit(
            .duplicateKey,
            "The key \(Lookup.render(key)) appears twice in one object of the event; rtscope reads the last, as most JSON parsers do, but a peer may read the first.",
            expected: "unique keys in every object", actual: "\(Lookup.render(key)) repeated")
    }
}
