import Foundation
import RealtimeProtocol
import RealtimeRecording
import Testing

@testable import RealtimeValidation

/// A text report keeps only the first findings of each rule (`FindingSample`): the ones it keeps are exactly the first
/// in report order, whatever order they arrived in, the counts are of every finding, and the text is the same.
struct FindingSampleTests {
    /// The first `limit` findings of each rule of `findings`, in report order.
    static func firstPerRule(_ findings: [Finding], _ limit: Int) -> [Finding] {
        var seen: [String: Int] = [:]
        return FindingLogTests.reportOrder(findings).filter { f in
            seen[f.rule, default: 0] += 1
            return seen[f.rule, default: 0] <= limit
        }
    }

    @Test func keepsTheFirstOfEachRuleInReportOrder() {
        // Mostly ascending lines, with findings that go far back after their rule already has `limit`.
        for count in [0, 1, 150, 3000] {
            let findings = FindingLogTests.numbered(count)
            for limit in [0, 1, 20] {
                var sample = FindingSample(limit: limit)
                for f in findings { sample.add(f) }
                #expect(sample.finish() == Self.firstPerRule(findings, limit), "\(count) findings, limit \(limit)")
                var counts: [String: Int] = [:]
                for f in findings { counts[f.rule, default: 0] += 1 }
                #expect(sample.tally.totals == counts)
                let severities = sample.tally.severities
                #expect(severities.errors == findings.filter { $0.severity == .error }.count)
                #expect(severities.warnings == findings.filter { $0.severity == .warning }.count)
                #expect(severities.notes == findings.filter { $0.severity == .note }.count)
            }
        }
    }

    /// Arrival in reverse line order: every arrival after the first `limit` displaces the largest kept one.
    @Test func lateArrivalsWithSmallerLinesDisplaceTheLargest() {
        let findings = (0..<50).reversed().map { i in
            Finding(rule: i % 2 == 0 ? "a" : "b", severity: .warning, message: "\(i)", line: i / 3, eventIndex: i)
        }
        var sample = FindingSample(limit: 4)
        for f in findings { sample.add(f) }
        #expect(sample.finish() == Self.firstPerRule(findings, 4))
    }

    /// A generated recording (hand-made fixture): 40 responses created and never done (their findings come at the end
    /// of the file and point back to the start, in no particular order), then 30 events of unknown types.
    static func lateFindings() throws -> String {
        let header = try #require(
            String(contentsOfFile: Samples.path("text-in-text-out.jsonl"), encoding: .utf8).split(separator: "\n").first
        )
        var lines = [String(header)]
        var seq = 0
        func add(_ event: String) {
            seq += 1
            lines.append(#"{"seq":\#(seq),"t_us":\#(seq * 10),"dir":"s2c","op":"text","event":\#(event)}"#)
        }
        add(#"{"type":"session.created","event_id":"e0","session":{"id":"sess_1","object":"realtime.session"}}"#)
        for i in 1...40 {
            add(
                #"{"type":"response.created","event_id":"c\#(i)","response":{"id":"resp_\#(i)","object":"realtime.response","status":"in_progress","output":[]}}"#
            )
        }
        for i in 1...30 { add(#"{"type":"x.unknown\#(i)","event_id":"u\#(i)"}"#) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-late-\(UUID()).jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aSampledReportReadsAsTheFullOne() throws {
        let path = try Self.lateFindings()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let limit = TextReporter.defaultLimit
        let full = try ValidationRun.validate(path: path, excerpts: .firstPerRule(limit))
        let sampled = try ValidationRun.validate(path: path, excerpts: .firstPerRule(limit), sample: limit)
        #expect(full.findings.filter { $0.rule == "response-not-done" }.count == 40)
        #expect(full.findings.filter { $0.rule == "unknown-event-type" }.count == 30)
        #expect(sampled.findings == Self.firstPerRule(full.findings, limit))
        #expect(sampled.findings.count < full.findings.count)
        for severity in Severity.allCases { #expect(sampled.count(severity) == full.count(severity)) }
        for failAt in [Severity.error, .note] {
            let text = { (report: FileReport) in
                TextReporter.render(
                    ValidationResult(reports: [report], rules: RuleCatalog.all, failAt: failAt), color: false)
            }
            #expect(text(sampled) == text(full))
            #expect(text(full).contains("20 more findings of [response-not-done] not shown"))
        }
    }
}
