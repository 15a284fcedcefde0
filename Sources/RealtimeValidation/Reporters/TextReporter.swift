import RealtimeProtocol
import RealtimeRecording

/// Human output in the style of h2spec: rule, requirement, Expected/Actual and the offending
/// lines with a little context; then a summary per file and per rule.
///
/// Everything taken from a recording (paths, messages, Expected/Actual, excerpts) passes
/// `SafeText.escape` here, at the output boundary, so the report can go to a terminal.
public enum TextReporter {
    public static func render(_ result: ValidationResult, color: Bool) -> String {
        func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        func severity(_ s: Severity) -> String {
            switch s {
            case .error: paint("error", "1;31")
            case .warning: paint("warning", "33")
            case .note: paint("note", "36")
            }
        }
        var out = ""
        for report in result.reports {
            for finding in report.findings {
                out +=
                    "\(safe(report.path)):\(finding.line): \(severity(finding.severity)) [\(finding.rule)] \(safe(finding.message))\n"
                if let info = RuleCatalog.info(finding.rule) {
                    out += "  requirement: \(info.requirement) (\(info.source))\n"
                }
                if let expected = finding.expected { out += "  Expected: \(safe(expected))\n" }
                if let actual = finding.actual { out += "  Actual:   \(safe(actual))\n" }
                let lines = Set([finding.line - 1, finding.line, finding.line + 1] + finding.related.map(\.line))
                    .filter { report.excerpts[$0] != nil }.sorted()
                for n in lines {
                    let marker = n == finding.line ? ">" : " "
                    let note = finding.related.first { $0.line == n }.map { "   ← \(safe($0.note))" } ?? ""
                    let number = String(repeating: " ", count: max(0, 6 - String(n).count)) + String(n)
                    out += "  \(marker)\(number) | \(safe(report.excerpts[n] ?? ""))\(note)\n"
                }
                out += "\n"
            }
        }
        out += summary(result)
        return out
    }

    static func summary(_ result: ValidationResult) -> String {
        var out = ""
        var byRule: [String: [Severity: Int]] = [:]
        for report in result.reports {
            let e = report.count(.error)
            let w = report.count(.warning)
            let n = report.count(.note)
            let verdict = report.findings.contains { $0.severity >= result.failAt } ? "FAIL" : "ok"
            out +=
                "\(verdict)  \(safe(report.path)): \(Plural.count(report.frames, "frame")), \(Plural.count(e, "error")), "
                + "\(Plural.count(w, "warning")), \(Plural.count(n, "note"))"
                + (report.dialect.map { " (\($0.rawValue))" } ?? "") + "\n"
            for f in report.findings { byRule[f.rule, default: [:]][f.severity, default: 0] += 1 }
        }
        if !byRule.isEmpty {
            out += "\nby rule:\n"
            for (rule, counts) in byRule.sorted(by: { $0.key < $1.key }) {
                let total = counts.values.reduce(0, +)
                out +=
                    "  \(rule): \(total) (\(Severity.allCases.reversed().compactMap { s in counts[s].map { Plural.count($0, s.rawValue) } }.joined(separator: ", ")))\n"
            }
        }
        let files = result.reports.count
        let failed = result.reports.filter { r in r.findings.contains { $0.severity >= result.failAt } }.count
        out +=
            "\n\(files) file\(files == 1 ? "" : "s") checked against \(result.rules.count) rules: "
            + (failed == 0 ? "all passed" : "\(failed) failed") + " (failing at \(result.failAt.rawValue))"
        let missing = result.unreadable.count
        out +=
            missing == 0
            ? ".\n" : "; \(missing) could not be read: \(safe(result.unreadable.joined(separator: ", "))).\n"
        return out
    }

    /// The one escaping function, applied to every string that came from a recording or a path.
    static func safe(_ text: String) -> String { SafeText.escape(text) }
}
