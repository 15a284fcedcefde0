import RealtimeProtocol
import RealtimeRecording

/// Human output in the style of h2spec: rule, requirement, Expected/Actual and the offending
/// lines with a little context; then a summary per file and per rule.
///
/// Everything taken from a recording (paths, messages, Expected/Actual, excerpts) passes
/// `SafeText.escape` here, at the output boundary, so the report can go to a terminal.
///
/// At most `limit` findings of each rule are shown per file (the first ones, in line order); a
/// line per rule then says how many more there are, and the summary counts every finding. A sampled report
/// (`FileReport.tally` set: `ValidationRun.validate(…, sample:)`) holds only the first findings of each rule, so it
/// is rendered with a `limit` no larger than its sample's.
public enum TextReporter {
    /// How many findings of one rule a file's text report shows by default (`--all`: every one).
    public static let defaultLimit = 20

    /// - Parameter limit: findings shown per rule and file; `nil` shows every one.
    public static func render(_ result: ValidationResult, color: Bool, limit: Int? = defaultLimit) -> String {
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
            var shown = RuleTally()
            // Read in place: most findings are only counted, and a copy of each would retain its strings.
            let all = report.findings
            for k in all.indices {
                if let limit {
                    let count = shown.add(all[k].rule)
                    if count >= limit { continue }
                }
                let finding = all[k]
                out +=
                    "\(safe(report.path)):\(finding.line): \(severity(finding.severity)) [\(finding.rule)] \(safe(finding.message))\n"
                if let info = RuleCatalog.info(finding.rule) {
                    out += "  requirement: \(info.requirement) (\(info.source))\n"
                }
                if let expected = finding.expected { out += "  Expected: \(safe(expected))\n" }
                if let actual = finding.actual { out += "  Actual:   \(safe(actual))\n" }
                // A related line far behind its finding has no excerpt (see `ExcerptCollector`): it keeps its note.
                let related = Set(finding.related.map(\.line).filter { $0 > 0 })
                let lines = Set([finding.line - 1, finding.line, finding.line + 1])
                    .filter { report.excerpts[$0] != nil }.union(related).sorted()
                for n in lines {
                    let marker = n == finding.line ? ">" : " "
                    let note = finding.related.first { $0.line == n }.map { "   ← \(safe($0.note))" } ?? ""
                    let number = String(repeating: " ", count: max(0, 6 - String(n).count)) + String(n)
                    out += "  \(marker)\(number) | \(safe(report.excerpts[n] ?? "…"))\(note)\n"
                }
                out += "\n"
            }
            if let limit {
                // A sampled report holds only the first findings of each rule; its tally counts all of them.
                let counts = report.tally?.totals ?? shown.totals
                for (rule, count) in counts.sorted(by: { $0.key < $1.key }) where count > limit {
                    out +=
                        "\(safe(report.path)): \(Plural.count(count - limit, "more finding")) of [\(rule)] not shown "
                        + "(the first \(limit) are; --all shows every one)\n"
                }
                if counts.values.contains(where: { $0 > limit }) { out += "\n" }
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
            let verdict = report.has(atLeast: result.failAt) ? "FAIL" : "ok"
            out +=
                "\(verdict)  \(safe(report.path)): \(Plural.count(report.frames, "frame")), \(Plural.count(e, "error")), "
                + "\(Plural.count(w, "warning")), \(Plural.count(n, "note"))"
                + (report.dialect.map { " (\($0.rawValue))" } ?? "") + "\n"
            var tally = report.tally ?? RuleTally()
            if report.tally == nil {
                let all = report.findings
                for k in all.indices { tally.add(all[k].rule, all[k].severity) }
            }
            for (rule, counts) in tally.bySeverity {
                for (severity, n) in counts { byRule[rule, default: [:]][severity, default: 0] += n }
            }
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
        let failed = result.reports.filter { r in r.has(atLeast: result.failAt) }.count
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
