import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `session-update-not-reflected`.
    public static let sessionUpdateNotReflected = RuleInfo(
        "session-update-not-reflected", .warning,
        "`session.updated` does not show a value `session.update` asked for.",
        requirement: "session.updated reflects the requested configuration (silent failures otherwise).",
        source: "§4.1 R4")
}

extension SessionValidator {
    /// Flags requested scalar values that the effective session does not show.
    mutating func compareRequested(
        _ requested: JSONValue?, _ effective: JSONValue?, requestLine: Int, prefix: String = ""
    ) {
        guard let requested, requested.isObject, let effective, effective.isObject else { return }
        for value in requested.children.sorted(by: { ($0.key ?? "") < ($1.key ?? "") }) {
            guard let key = value.key else { continue }
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            if value.isObject {
                // Compare nested settings only where the effective session has the same shape.
                if let actual = effective[key], actual.isObject {
                    compareRequested(value, actual, requestLine: requestLine, prefix: path)
                }
                continue
            }
            guard !value.isArray, let actual = effective[key], !same(value, actual) else { continue }
            emit(
                .sessionUpdateNotReflected,
                "session.updated shows \(path) = \(Lookup.render(actual)), not the requested value.",
                expected: "\(path) = \(Lookup.render(value))", actual: "\(path) = \(Lookup.render(actual))",
                related: [RelatedLine(line: requestLine, note: "session.update")])
        }
    }

    func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if a.isNull || b.isNull { return a.isNull && b.isNull }
        if let x = a.string { return x == b.string }
        if let x = a.double { return x == b.double }
        if let x = a.bool { return x == b.bool }
        return false
    }
}
