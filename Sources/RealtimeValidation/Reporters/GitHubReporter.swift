import Foundation
import RealtimeProtocol
import RealtimeRecording

/// GitHub Actions workflow commands (`::error file=…,line=…,title=…::…`) with the toolkit's
/// escaping, errors first so the 10-annotations-per-level cap never hides them, and a Markdown
/// job summary (appended to `$GITHUB_STEP_SUMMARY`) kept under GitHub's 1 MiB cap.
public enum GitHubReporter {
    /// Annotations shown per level before the rest is only counted (GitHub's per-step cap).
    public static let perLevelCap = 10
    /// The summary stays under this many bytes (GitHub refuses more than 1024 KiB per step).
    public static let summaryCap = 900 * 1024

    public static func render(_ result: ValidationResult) -> String {
        var out = ""
        var shown: [Severity: Int] = [:]
        var hidden: [Severity: Int] = [:]
        for (file, f) in result.ordered {
            guard shown[f.severity, default: 0] < perLevelCap else {
                hidden[f.severity, default: 0] += 1
                continue
            }
            shown[f.severity, default: 0] += 1
            let command = f.severity == .error ? "error" : f.severity == .warning ? "warning" : "notice"
            var message = SafeText.escape(f.message)
            if let expected = f.expected { message += "\nExpected: \(SafeText.escape(expected))" }
            if let actual = f.actual { message += "\nActual: \(SafeText.escape(actual))" }
            out +=
                "::\(command) file=\(property(SafeText.escape(file))),line=\(max(1, f.line)),title=\(property("rtscope \(f.rule)"))::\(data(message))\n"
        }
        let more = Severity.allCases.reversed().compactMap { s in hidden[s].map { "\($0) more \(s.rawValue)s" } }
        if !more.isEmpty {
            out +=
                "rtscope: \(more.joined(separator: ", ")) not annotated (GitHub shows 10 per level); see the job summary.\n"
        }
        out += TextReporter.summary(result)
        return out
    }

    /// Escaping for the message part (`%`, CR, LF).
    static func data(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    /// Escaping for properties (`file`, `title`): data escaping plus `:` and `,`.
    static func property(_ s: String) -> String {
        data(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }

    /// The Markdown job summary, cut to `summaryCap` bytes.
    public static func summary(_ result: ValidationResult) -> String {
        var md =
            "## rtscope validate\n\n| recording | frames | errors | warnings | notes | result |\n| --- | --- | --- | --- | --- | --- |\n"
        for r in result.reports {
            let failed = r.has(atLeast: result.failAt)
            md +=
                "| \(cell(r.path, code: true)) | \(r.frames) | \(r.count(.error)) | \(r.count(.warning)) | \(r.count(.note)) | \(failed ? "❌" : "✅") |\n"
        }
        let all = result.ordered
        if !all.isEmpty { md += "\n| severity | rule | where | message |\n| --- | --- | --- | --- |\n" }
        for (k, (file, f)) in all.enumerated() {
            let row =
                "| \(f.severity.rawValue) | `\(f.rule)` | \(cell("\(file):\(f.line)", code: true)) | \(cell(f.message, code: false)) |\n"
            if md.utf8.count + row.utf8.count > summaryCap - 200 {
                md += "\n… \(all.count - k) more findings not shown (summary size limit).\n"
                break
            }
            md += row
        }
        return md
    }

    /// One Markdown table cell from untrusted text: terminal-escaped (so no raw control or line
    /// break can end the row), `|` escaped, and in a code span only when it holds no backtick.
    static func cell(_ text: String, code: Bool) -> String {
        let safe = SafeText.escape(text).replacingOccurrences(of: "|", with: "\\|")
        return code && !safe.contains("`") ? "`\(safe)`" : safe
    }

    /// Appends the summary to the file GitHub names in `$GITHUB_STEP_SUMMARY`.
    /// - Throws: `RecordingError.cannotWrite` when the file cannot be written.
    public static func appendSummary(_ result: ValidationResult, to path: String) throws {
        try OutputFile.write(Array((summary(result) + "\n").utf8), to: path, mode: .append)
    }
}
