public import RealtimeRecording

/// The report formats `rtscope validate --format` offers.
public enum ReportFormat: String, Sendable, CaseIterable {
    case text, json, junit, sarif, github
}

/// Everything a reporter needs: the reports, the rules that ran, and the failure threshold.
public struct ValidationResult: Sendable {
    public let reports: [FileReport]
    public let rules: [RuleInfo]
    /// Findings at or above this severity fail the run (exit code 1).
    public let failAt: Severity
    /// Inputs that could not be read at all (the command line reports why and exits 66).
    public let unreadable: [String]

    public init(reports: [FileReport], rules: [RuleInfo], failAt: Severity, unreadable: [String] = []) {
        self.reports = reports
        self.rules = rules
        self.failAt = failAt
        self.unreadable = unreadable
    }

    /// Whether any finding is at or above the threshold.
    public var failed: Bool { reports.contains { $0.has(atLeast: failAt) } }

    /// All findings with their file, errors first, then by file and line.
    public var ordered: [(file: String, finding: Finding)] {
        reports.flatMap { r in r.findings.map { (r.path, $0) } }.sorted {
            if $0.finding.severity != $1.finding.severity { return $0.finding.severity > $1.finding.severity }
            return ($0.file, $0.finding.line) < ($1.file, $1.finding.line)
        }
    }
}
