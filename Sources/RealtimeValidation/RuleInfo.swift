public import RealtimeRecording

/// What a rule checks and why: the data behind `rtscope rules`, docs/rules.md and every report.
public struct RuleInfo: Sendable, Hashable, Codable {
    /// Stable kebab-case id, used in reports, `--enable`/`--disable` and fingerprints.
    ///
    /// Never reused.
    public let id: String
    public let severity: Severity
    /// One line: what is checked.
    public let summary: String
    /// The requirement as reports quote it.
    public let requirement: String
    /// Where it comes from: the protocol reference section and invariant number.
    public let source: String

    public init(_ id: String, _ severity: Severity, _ summary: String, requirement: String, source: String) {
        self.id = id
        self.severity = severity
        self.summary = summary
        self.requirement = requirement
        self.source = source
    }
}
