import Foundation
import RealtimeProtocol
import RealtimeRecording
import Testing

@testable import RealtimeValidation

/// Many findings: excerpts come from the one pass (no second read of the file), only for the findings a report
/// prints, and the text report shows the first 20 of each rule with a count of the rest.
struct FindingVolumeTests {
    /// A generated recording (hand-made fixture): `count` server events, each of an unknown type (one finding)
    /// except a legal `rate_limits.updated` at line 1501, and then an event whose `event_id` repeats that one's,
    /// far outside the excerpt window.
    static func manyFindings(_ count: Int) throws -> String {
        let header = try #require(
            String(contentsOfFile: Samples.path("text-in-text-out.jsonl"), encoding: .utf8).split(separator: "\n").first
        )
        var lines = [String(header)]
        for i in 1...count {
            if i == 1500 {
                lines.append(
                    #"{"seq":\#(i),"t_us":\#(i * 10),"dir":"s2c","op":"text","event":{"type":"rate_limits.updated","event_id":"dupe","rate_limits":[]}}"#
                )
                continue
            }
            lines.append(
                #"{"seq":\#(i),"t_us":\#(i * 10),"dir":"s2c","op":"text","event":{"type":"x.unknown\#(i)","event_id":"e\#(i)"}}"#
            )
        }
        lines.append(
            #"{"seq":\#(count + 1),"t_us":\#(count * 10 + 10),"dir":"s2c","op":"text","event":{"type":"rate_limits.updated","event_id":"dupe","rate_limits":[]}}"#
        )
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-many-\(UUID()).jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func everyFindingGetsItsExcerptsFromTheOnePass() throws {
        let path = try Self.manyFindings(3000)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let report = try ValidationRun.validate(path: path, excerpts: .all)
        let unknown = report.findings.filter { $0.rule == "unknown-event-type" }
        #expect(unknown.count == 2999)
        for f in unknown {
            #expect(report.excerpts[f.line] == "← x.unknown\(f.line - 1)")
        }
        #expect(report.excerpts[1] == "(header)")
        #expect(report.excerpts[3002]?.hasPrefix("← rate_limits.updated") == true)
        // Line 1501 has an excerpt because its neighbours' findings wanted it as it went by.
        #expect(report.excerpts[1501]?.hasPrefix("← rate_limits.updated") == true)
        let duplicate = try #require(report.findings.first { $0.rule == "server-event-id-duplicate" })
        #expect(duplicate.related.map(\.line) == [1501])
    }

    @Test func excerptsOnlyForTheFindingsAReportPrints() throws {
        let path = try Self.manyFindings(3000)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let none = try ValidationRun.validate(path: path, excerpts: .none)
        #expect(none.excerpts.isEmpty)
        #expect(none.findings.count == 3001)  // 2999 unknown, the duplicate, session-created-first
        let first = try ValidationRun.validate(path: path, excerpts: .firstPerRule(20))
        #expect(first.findings == none.findings)
        // Lines 1…22 around the first 20 unknown events, and 3001…3002 around the duplicate; its first use (line
        // 1501) was 1500 lines behind it, outside the window, and no finding wanted it while it went by.
        #expect(first.excerpts.keys.sorted() == Array(1...22) + [3001, 3002])
    }

    @Test func textShowsTwentyFindingsPerRuleAndCountsTheRest() throws {
        let path = try Self.manyFindings(3000)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let report = try ValidationRun.validate(path: path, excerpts: .firstPerRule(20))
        let result = ValidationResult(reports: [report], rules: RuleCatalog.all, failAt: .error)
        let text = TextReporter.render(result, color: false)
        let shown = text.split(separator: "\n").filter { $0.contains(": warning [unknown-event-type]") }
        #expect(shown.count == 20)
        #expect(text.contains("\(path): 2979 more findings of [unknown-event-type] not shown"))
        #expect(text.contains("unknown-event-type: 2999 (2999 warnings)"))
        #expect(text.contains("    1501 | …   ← first use\n"))

        let everything = try ValidationRun.validate(path: path, excerpts: .all)
        let all = TextReporter.render(
            ValidationResult(reports: [everything], rules: RuleCatalog.all, failAt: .error), color: false, limit: nil)
        #expect(all.split(separator: "\n").filter { $0.contains(": warning [unknown-event-type]") }.count == 2999)
        #expect(!all.contains("not shown"))
        #expect(all.contains("    1501 | ← rate_limits.updated"))
    }

    /// The hand-written JSON report is byte for byte what `JSONEncoder` writes for the same document.
    @Test func jsonReportMatchesJSONEncoder() throws {
        var reports: [FileReport] = []
        for name in ["errors.jsonl", "barge-in.jsonl", "function-call.jsonl", "ga-text-session.jsonl"] {
            reports.append(try ValidationRun.validate(path: Samples.path(name), excerpts: .none))
        }
        let odd = Finding(
            rule: "server-error", severity: .note,
            message:
                "quote \" backslash \\ slash / tab \t nl \n cr \r bs \u{08} ff \u{0C} esc \u{1B} nul \u{00} — 日本 🎧",
            line: 0, eventIndex: 0)
        reports.append(FileReport(path: "odd/\u{1B}name.jsonl", frames: 0, dialect: nil, findings: [odd]))
        reports.append(FileReport(path: "empty.jsonl", frames: 3, dialect: .ga, findings: []))
        for failAt in [Severity.error, .note] {
            let result = ValidationResult(reports: reports, rules: RuleCatalog.all, failAt: failAt)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let expected = String(decoding: try encoder.encode(JSONReporter.document(result)), as: UTF8.self) + "\n"
            #expect(try JSONReporter.render(result) == expected)
        }
        let none = ValidationResult(reports: [], rules: [], failAt: .error)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        #expect(
            try JSONReporter.render(none)
                == String(decoding: try encoder.encode(JSONReporter.document(none)), as: UTF8.self) + "\n")
    }
}
