import RealtimeProtocol
import RealtimeRecording

/// JUnit XML as GitLab and Jenkins read it: one testsuite per recording, one testcase per (recording × rule) with
/// `classname`, `name` and `file` always set (GitLab keys test identity on classname + name), and failure bodies with
/// Expected/Actual.
///
/// Findings below the failure threshold do not fail their testcase; they are listed in its `system-out`.
public enum JUnitReporter {
    public static func render(_ result: ValidationResult) -> String {
        let totalTests = result.reports.count * result.rules.count
        var failures = 0
        var suites = ""
        for report in result.reports {
            var cases = ""
            var suiteFailures = 0
            for rule in result.rules {
                let hits = report.findings.filter { $0.rule == rule.id }
                let failing = hits.filter { $0.severity >= result.failAt }
                let bodies = failing.map { Self.body($0) }
                let attributes =
                    "classname=\"\(xml(report.path))\" name=\"\(xml(rule.id))\" file=\"\(xml(report.path))\" time=\"0\""
                guard !hits.isEmpty else {
                    cases += "    <testcase \(attributes)/>\n"
                    continue
                }
                cases += "    <testcase \(attributes)>\n"
                if let first = failing.first {
                    suiteFailures += 1
                    let body = bodies.joined(separator: "\n\n")
                    let message =
                        failing.count == 1 ? first.message : "\(first.message) (and \(failing.count - 1) more)"
                    cases +=
                        "      <failure message=\"\(xml("line \(first.line): \(message)"))\" type=\"\(first.severity.rawValue)\">"
                        + "\(xml("\(rule.requirement)\n\n" + body))</failure>\n"
                }
                let context = hits.map { f in
                    "\(f.severity.rawValue) line \(f.line): \(f.message)"
                        + ([f.line - 1, f.line, f.line + 1].compactMap { n in
                            report.excerpts[n].map { "\n  \(n) | \($0)" }
                        }.joined())
                }.joined(separator: "\n")
                cases += "      <system-out>\(xml(context))</system-out>\n    </testcase>\n"
            }
            failures += suiteFailures
            suites +=
                "  <testsuite name=\"\(xml(report.path))\" tests=\"\(result.rules.count)\" failures=\"\(suiteFailures)\" "
                + "errors=\"0\" skipped=\"0\" time=\"0\">\n" + cases + "  </testsuite>\n"
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites name=\"rtscope validate\" tests=\"\(totalTests)\" failures=\"\(failures)\" errors=\"0\">\n"
            + suites + "</testsuites>\n"
    }

    static func body(_ f: Finding) -> String {
        var text = "line \(f.line)" + (f.eventType.map { " (\($0))" } ?? "") + ": \(f.message)"
        if let expected = f.expected { text += "\nExpected: \(expected)" }
        if let actual = f.actual { text += "\nActual: \(actual)" }
        for r in f.related { text += "\nsee line \(r.line): \(r.note)" }
        return text
    }

    /// Escapes XML text and attribute values; controls and bidi overrides are shown escaped
    /// (`SafeText`), and the noncharacters XML 1.0 cannot carry become U+FFFD.
    static func xml(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n", "\t", "\r": out.unicodeScalars.append(scalar)
            default:
                if SafeText.isUnsafe(scalar) {
                    // Controls and bidi overrides from a recording are shown, not applied, in CI UIs.
                    out += SafeText.escape(String(scalar))
                } else if scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
