import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `dialect-mixed`.
    public static let dialectMixed = RuleInfo(
        "dialect-mixed", .warning, "Beta and GA event names in one session.",
        requirement: "A session speaks one dialect: beta names or GA names, never both.", source: "§3, inv. 5")
}

extension SessionValidator {
    /// An event of `dialect` in a session whose first evidence said another; reported once per session.
    mutating func checkDialectMixed(_ type: String, _ dialect: Dialect, _ evidence: (dialect: Dialect, line: Int)) {
        guard !state.reportedDialectMix else { return }
        state.reportedDialectMix = true
        let origin = evidence.line == 0 ? "the recording header or --dialect" : "line \(evidence.line)"
        emit(
            .dialectMixed,
            "\(type) is a \(dialect.rawValue) event in a session that speaks \(evidence.dialect.rawValue) (from \(origin)).",
            expected: "\(evidence.dialect.rawValue) event names"
                + (catalog.counterpart(of: type).map { " (\($0))" } ?? ""),
            actual: type,
            related: evidence.line > 0
                ? [RelatedLine(line: evidence.line, note: "\(evidence.dialect.rawValue) evidence")] : [])
    }
}
