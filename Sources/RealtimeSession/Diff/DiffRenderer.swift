import Foundation
import RealtimeProtocol
import RealtimeRecording

/// `rtscope diff` output: a side-by-side text view, Markdown and JSON.
///
/// Every string that comes from a recording (paths, ids, event types, text, arguments) passes
/// `SafeText.escape` here, the output boundary; long values are cut at `cut` characters in the
/// text and Markdown views (JSON keeps them whole).
public enum DiffRenderer {
    static let column = 46
    static let cut = 300

    static func safe(_ text: String, limit: Int = cut) -> String {
        let escaped = SafeText.escape(text)
        return escaped.count > limit ? String(escaped.prefix(limit)) + "…" : escaped
    }

    static func pad(_ text: String, _ width: Int) -> String {
        let shown = text.count > width ? String(text.prefix(width - 1)) + "…" : text
        return shown + String(repeating: " ", count: max(0, width - shown.count))
    }

    /// The one-line verdict per class: `structure: 2 differences`, `tools: same`.
    public static func summary(_ diff: SessionDiff) -> String {
        DiffClass.allCases.map { kind in
            let n = diff.entries(kind).count
            return "\(kind.rawValue): " + (n == 0 ? "same" : Plural.count(n, "difference"))
        }.joined(separator: " · ")
    }

    // MARK: - Text

    public static func text(_ diff: SessionDiff) -> String {
        var out = "A: \(safe(diff.pathA))\nB: \(safe(diff.pathB))\n"
        out += "responses \(diff.pairs.filter { $0.a != nil }.count) | \(diff.pairs.filter { $0.b != nil }.count)"
        out += " · tokens \(total(diff.usageA)) | \(total(diff.usageB))"
        out += " · cost \(dollars(diff.costA)) | \(dollars(diff.costB))\n\n"
        for (k, pair) in diff.pairs.enumerated() {
            let entries = diff.entries.filter { $0.response == k + 1 }
            let title =
                "response \(k + 1): \(safe(pair.a?.id ?? "-", limit: 40)) | \(safe(pair.b?.id ?? "-", limit: 40))"
            if entries.isEmpty {
                out += "\(title)  same\n"
                continue
            }
            out += title + "\n"
            if entries.contains(where: { $0.subject == "events" || $0.subject.hasPrefix("response only") }) {
                out += sideBySide(pair.a?.events ?? [], pair.b?.events ?? [])
            }
            for e in entries where e.subject != "events" { out += entryLine(e) }
            out += "\n"
        }
        let sessionWide = diff.entries.filter { $0.response == nil }
        if !sessionWide.isEmpty {
            out += "session\n"
            for e in sessionWide { out += entryLine(e) }
            out += "\n"
        }
        if !diff.latency.isEmpty {
            out += "latency (median)" + String(repeating: " ", count: 14) + "A          B          change\n"
            for row in diff.latency {
                out +=
                    "  " + pad(row.metric, 28) + pad(String(format: "%.1f", row.a), 11)
                    + pad(String(format: "%.1f", row.b), 11) + String(format: "%+.1f ms", row.change)
                    + (row.relative.map { " (" + SessionDiff.percent($0) + ")" } ?? "") + "\n"
            }
            out += "\n"
        }
        out += summary(diff) + "\n"
        return out
    }

    /// Two columns of event types aligned by their longest common subsequence: ` ` same, `<` only
    /// in A, `>` only in B.
    static func sideBySide(_ a: [String], _ b: [String]) -> String {
        var out = ""
        var pendingRemoved: [String] = []
        var pendingAdded: [String] = []
        func flush() {
            for i in 0..<max(pendingRemoved.count, pendingAdded.count) {
                let l = i < pendingRemoved.count ? pendingRemoved[i] : ""
                let r = i < pendingAdded.count ? pendingAdded[i] : ""
                let mark = l.isEmpty ? ">" : r.isEmpty ? "<" : "|"
                out += "    " + pad(safe(l), column) + " \(mark) " + safe(r) + "\n"
            }
            pendingRemoved = []
            pendingAdded = []
        }
        for step in SequenceDiff.align(a, b) {
            switch step {
            case .same(let t):
                flush()
                out += "    " + pad(safe(t), column) + "   " + safe(t) + "\n"
            case .removed(let t): pendingRemoved.append(t)
            case .added(let t): pendingAdded.append(t)
            }
        }
        flush()
        return out
    }

    static func entryLine(_ e: DiffEntry) -> String {
        var line =
            "  " + pad(e.kind.rawValue, 10) + " " + safe(e.subject) + ": " + safe(e.a ?? "-") + " | "
            + safe(e.b ?? "-")
        if e.kind == .text, let score = e.magnitude { line += String(format: " (similarity %.2f)", score) }
        line += "\n"
        if let detail = e.detail, e.kind == .text || e.kind == .structure || e.kind == .findings {
            line += "             " + safe(detail) + "\n"
        } else if let detail = e.detail {
            line = String(line.dropLast()) + " (" + safe(detail) + ")\n"
        }
        return line
    }

    static func total(_ u: Usage) -> Int { u.inputTokens + u.outputTokens }
    static func dollars(_ v: Double?) -> String { v.map { String(format: "$%.4f", $0) } ?? "-" }

    // MARK: - Markdown

    public static func markdown(_ diff: SessionDiff) -> String {
        func cell(_ s: String?) -> String {
            safe(s ?? "—").replacingOccurrences(of: "|", with: "\\|")
        }
        var md = "## rtscope diff\n\n`\(cell(diff.pathA))` → `\(cell(diff.pathB))`\n\n"
        md += "| class | differences |\n| --- | --- |\n"
        for kind in DiffClass.allCases { md += "| \(kind.rawValue) | \(diff.entries(kind).count) |\n" }
        if !diff.entries.isEmpty {
            md += "\n| class | response | what | A | B | detail |\n| --- | --- | --- | --- | --- | --- |\n"
            for e in diff.entries {
                var detail = e.detail
                if e.kind == .text, let m = e.magnitude {
                    detail = String(format: "similarity %.2f; ", m) + (e.detail ?? "")
                }
                md += "| \(e.kind.rawValue) | \(e.response.map(String.init) ?? "session") | \(cell(e.subject)) "
                md += "| \(cell(e.a)) | \(cell(e.b)) | \(cell(detail)) |\n"
            }
        }
        if !diff.latency.isEmpty {
            md += "\n| latency metric (median) | A ms | B ms | change |\n| --- | ---: | ---: | ---: |\n"
            for row in diff.latency {
                md += "| `\(row.metric)` | \(String(format: "%.1f", row.a)) | \(String(format: "%.1f", row.b)) | "
                md +=
                    String(format: "%+.1f ms", row.change) + (row.relative.map { " " + SessionDiff.percent($0) } ?? "")
                md += " |\n"
            }
        }
        return md
    }

    // MARK: - JSON

    /// The diff as pretty JSON, keys sorted, in the layout `JSONSerialization` gave it.
    ///
    /// `/` is written `\/` and non-finite numbers as `null`. Does not throw (kept `throws` for callers).
    public static func json(_ diff: SessionDiff, failed: [DiffGate: [DiffEntry]] = [:]) throws -> String {
        func opt(_ s: String?) -> JSON { JSON(s.map { SafeText.escape($0) }) }
        let entries: [JSON] = diff.entries.map { e in
            [
                "class": .string(e.kind.rawValue), "response": JSON(e.response),
                "subject": .string(SafeText.escape(e.subject)),
                "a": opt(e.a), "b": opt(e.b), "detail": opt(e.detail), "magnitude": JSON(e.magnitude),
                "absolute": JSON(e.absolute),
            ]
        }
        let classes = JSON.object(DiffClass.allCases.map { ($0.rawValue, .int(diff.entries($0).count)) })
        let object: JSON = [
            "a": .string(SafeText.escape(diff.pathA)), "b": .string(SafeText.escape(diff.pathB)),
            "responses": [
                "a": .int(diff.pairs.filter { $0.a != nil }.count), "b": .int(diff.pairs.filter { $0.b != nil }.count),
            ],
            "classes": classes, "differences": .array(entries),
            "latency": .array(
                diff.latency.map {
                    [
                        "metric": .string($0.metric), "a_ms": .double($0.a), "b_ms": .double($0.b),
                        "change_ms": .double($0.change), "relative": JSON($0.relative),
                    ]
                }),
            "usage": [
                "a_tokens": .int(total(diff.usageA)), "b_tokens": .int(total(diff.usageB)), "a_cost": JSON(diff.costA),
                "b_cost": JSON(diff.costB),
            ],
            "failed": .array(failed.keys.map(\.description).sorted().map { .string($0) }),
        ]
        return object.encoded(.init(pretty: true, sortedKeys: true, escapeSlashes: true)) + "\n"
    }
}
