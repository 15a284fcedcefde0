import Foundation
import RealtimeProtocol
import RealtimeRecording
import Testing

@testable import RealtimeValidation

/// Findings kept as bytes (`FindingLog`) for `validate --format json`: lossless, in report order, and written as the
/// same JSON text as the findings they were.
struct FindingLogTests {
    /// The hand-made findings (every field, escapes, related lines) numbered through their message, so an element out
    /// of order or repeated shows, `count` of them, on lines that go back now and then.
    static func numbered(_ count: Int) -> [Finding] {
        let base = FindingStorageTests.handMade()
        return (0..<count).map { i in
            let f = base[i % base.count]
            // Mostly ascending lines; every 97th goes far back (an end-of-session finding), every 5th ties its
            // neighbour's line with another rule.
            let line = i % 97 == 96 ? i / 50 : (i % 5 == 4 ? i - 1 : i)
            return Finding(
                rule: f.rule, severity: f.severity, message: "\(i) \(f.message)", expected: f.expected,
                actual: f.actual, line: line, eventIndex: f.eventIndex, eventType: f.eventType, eventID: f.eventID,
                subject: f.subject, related: f.related)
        }
    }

    /// What a stable sort by line, then rule gives.
    static func reportOrder(_ findings: [Finding]) -> [Finding] {
        findings.enumerated().sorted {
            ($0.element.line, $0.element.rule, $0.offset) < ($1.element.line, $1.element.rule, $1.offset)
        }.map(\.element)
    }

    static func log(_ findings: [Finding]) -> FindingLog {
        let log = FindingLog()
        for f in findings { log.append(f) }
        log.seal()
        return log
    }

    @Test func givesBackEveryFindingInReportOrder() {
        for count in [0, 1, 2, 150, 3000] {
            let findings = Self.numbered(count)
            let log = Self.log(findings)
            #expect(log.count == count)
            #expect(log.findings() == Self.reportOrder(findings), "\(count) findings")
            #expect(log.counts.errors == findings.filter { $0.severity == .error }.count)
            #expect(log.counts.warnings == findings.filter { $0.severity == .warning }.count)
            #expect(log.counts.notes == findings.filter { $0.severity == .note }.count)
        }
        // Already in order: no permutation is needed, and the order is kept as it came.
        let sorted = Self.reportOrder(Self.numbered(500))
        #expect(Self.log(sorted).findings() == sorted)
    }

    /// An event id equal to `actual` is stored once and read back as both; one that differs keeps its own text.
    @Test func anEventIDEqualToActualComesBackAsBoth() {
        let same = Finding(
            rule: "server-event-id-duplicate", severity: .warning, message: "m", actual: "event_1", line: 3,
            eventIndex: 2, eventID: "event_1")
        let other = Finding(
            rule: "server-event-id-duplicate", severity: .warning, message: "m", actual: "event_1", line: 4,
            eventIndex: 3, eventID: "event_2")
        let idOnly = Finding(rule: "x", severity: .note, message: "", line: 5, eventIndex: 4, eventID: "event_3")
        #expect(Self.log([same, other, idOnly]).findings() == [same, other, idOnly])
    }

    /// An event id taken from the event's JSON (`eventIDValue`) comes back decoded: copied as it is without an escape,
    /// decoded with one, and no id for a value that is not a string.
    @Test func anEventIDFromTheEventsJSONComesBackDecoded() throws {
        let log = FindingLog()
        for id: Any in ["event_7", "quote\"and\\slash", 42] {
            let event = try #require(tape(["type": "x", "event_id": id]))
            log.append(
                rule: "x", severity: .warning, message: "m", expected: nil, actual: nil, line: 2, eventIndex: 1,
                eventType: "x", eventID: nil, eventIDValue: event["event_id"], subject: nil, related: [])
        }
        log.seal()
        #expect(log.findings().map(\.eventID) == ["event_7", "quote\"and\\slash", nil])
    }

    /// A report kept as a log is written as the same text as the same report kept as `Finding`s, and as what
    /// `JSONEncoder` writes: short and long (two threads), findings that need escapes (written member by member) and
    /// ones that do not (laid out in one piece), related lists empty and long.
    @Test func jsonFromTheLogIsTheTextOfTheFindings() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        for count in [0, 3, 150, 5 * JSONReporter.chunk + 7] {
            let findings = Self.reportOrder(Self.numbered(count))
            let list = FileReport(path: "a.jsonl", frames: count, dialect: .ga, findings: findings)
            let log = FileReport(path: "a.jsonl", frames: count, dialect: .ga, log: Self.log(findings))
            for failAt in [Severity.error, .note] {
                let fromList = try JSONReporter.render(ValidationResult(reports: [list], rules: [], failAt: failAt))
                let result = ValidationResult(reports: [log, list], rules: RuleCatalog.all, failAt: failAt)
                let fromLog = try JSONReporter.render(result)
                #expect(
                    fromLog == String(decoding: try encoder.encode(JSONReporter.document(result)), as: UTF8.self) + "\n"
                )
                let alone = try JSONReporter.render(ValidationResult(reports: [log], rules: [], failAt: failAt))
                #expect(alone == fromList, "\(count) findings")
            }
            #expect(log.count(.error) == list.count(.error))
            #expect(log.has(atLeast: .warning) == list.has(atLeast: .warning))
        }
    }

    /// `validate(…, compactFindings: true)` reports what the ordinary run reports, and its JSON is the same text: with
    /// and without excerpts (without, the validator writes to the log itself), below a severity floor, and with the
    /// reader's findings (a line that is not JSON) among the validator's.
    @Test func compactValidationReportsTheSameFindings() throws {
        let many = try FindingVolumeTests.manyFindings(3000)
        defer { try? FileManager.default.removeItem(atPath: many) }
        var lines = try String(contentsOfFile: Samples.path("errors.jsonl"), encoding: .utf8).split(separator: "\n")
        lines.insert("{not json", at: lines.count / 2)
        let broken = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-log-\(UUID()).jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: broken, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: broken) }
        let paths =
            [many, broken]
            + ["errors.jsonl", "barge-in.jsonl", "function-call.jsonl", "ga-text-session.jsonl"].map {
                Samples.path($0)
            }
        for path in paths {
            for floor in [Severity.note, .warning] {
                let selection = RuleSelection(minimumSeverity: floor)
                for policy in [ExcerptPolicy.none, .all] {
                    let plain = try ValidationRun.validate(path: path, selection: selection, excerpts: policy)
                    let compact = try ValidationRun.validate(
                        path: path, selection: selection, excerpts: policy, compactFindings: true)
                    #expect(compact.log != nil)
                    #expect(compact.findings == plain.findings, "\(path) \(floor) \(policy)")
                    #expect(compact.excerpts == plain.excerpts)
                    for severity in Severity.allCases { #expect(compact.count(severity) == plain.count(severity)) }
                    let result = { (r: FileReport) in
                        ValidationResult(reports: [r], rules: RuleCatalog.all, failAt: .error)
                    }
                    #expect(try JSONReporter.render(result(compact)) == JSONReporter.render(result(plain)))
                }
            }
        }
        let withReaderFinding = try ValidationRun.validate(path: broken, excerpts: .none, compactFindings: true)
        #expect(withReaderFinding.findings.contains { $0.rule == RuleInfo.readerInvalidJSON.id })
    }
}
