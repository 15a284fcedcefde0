import Foundation
import RealtimeProtocol
import RealtimeRecording
import Testing

@testable import RealtimeValidation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Golden-file tests: each format's output for the errors sample and a faulty variant.
///
/// Set RECORD_SNAPSHOTS=1 to rewrite the files in Snapshots/ after an intended change.
struct ReporterTests {
    static let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Snapshots")

    /// The errors sample plus a faulty copy (a response.done dropped, a delta altered), paths made relative.
    static func result(strict: Bool = false) throws -> ValidationResult {
        var clean = try ValidationRun.validate(path: Samples.path("errors.jsonl"))
        clean.path = "recordings/errors.jsonl"
        var session = try Session.load("text-in-text-out.jsonl")
        session.edit("response.text.delta", 2) { $0["delta"] = " of \"Norway\"" }
        session.remove("response.done")
        let faulty = FileReport(
            path: "faulty/text.jsonl", frames: session.recs.count, dialect: .beta,
            findings: session.validate().sorted { $0.line < $1.line })
        return ValidationResult(reports: [clean, faulty], rules: RuleCatalog.all, failAt: strict ? .warning : .error)
    }

    static func check(_ text: String, _ name: String) throws {
        let url = snapshots.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil {
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text == expected, "\(name) differs from its snapshot; run with RECORD_SNAPSHOTS=1 if intended")
    }

    @Test func textReport() throws {
        try Self.check(TextReporter.render(try Self.result(), color: false), "report.txt")
    }
    @Test func jsonReport() throws { try Self.check(try JSONReporter.render(try Self.result()), "report.json") }
    @Test func junitReport() throws { try Self.check(JUnitReporter.render(try Self.result()), "report.junit.xml") }
    @Test func sarifReport() throws {
        try Self.check(try SARIFReporter.render(try Self.result(), workingDirectory: "/work"), "report.sarif")
    }
    @Test func githubReport() throws {
        try Self.check(GitHubReporter.render(try Self.result(strict: true)), "report.github.txt")
    }

    @Test func junitCarriesClassnameNameAndFileOnEveryTestcase() throws {
        let xml = JUnitReporter.render(try Self.result())
        let cases = xml.components(separatedBy: "<testcase ").dropFirst()
        #expect(cases.count == 2 * RuleCatalog.all.count)
        for c in cases { #expect(c.contains("classname=\"") && c.contains(" name=\"") && c.contains(" file=\"")) }
        #expect(
            xml.contains("<testsuites name=\"rtscope validate\" tests=\"\(2 * RuleCatalog.all.count)\" failures=\"2\""))
        #expect(try XMLDocument(xmlString: xml).rootElement()?.name == "testsuites")
    }

    @Test func sarifIsValidJSONWithStableFingerprints() throws {
        let text = try SARIFReporter.render(try Self.result(), workingDirectory: "/work")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(doc["version"] as? String == "2.1.0")
        let run = try #require((doc["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        let prints = results.compactMap { ($0["partialFingerprints"] as? [String: String])?["rtscopeFinding/v1"] }
        #expect(prints.count == results.count)
        #expect(Set(prints).count == prints.count)
        #expect(SARIFReporter.relative("/work/recordings/a.jsonl", to: "/work") == "recordings/a.jsonl")
        #expect(SARIFReporter.relative("/elsewhere/a.jsonl", to: "/work") == "/elsewhere/a.jsonl")
    }

    @Test func githubEscapesAndPutsErrorsFirstWithinTheCap() throws {
        #expect(GitHubReporter.property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae")
        #expect(GitHubReporter.data("50% done\r\nnext: x,y") == "50%25 done%0D%0Anext: x,y")
        let many =
            (1...25).map {
                Finding(rule: "response-not-done", severity: .error, message: "m\($0)", line: $0, eventIndex: $0)
            }
            + (1...3).map {
                Finding(rule: "server-error", severity: .warning, message: "w\($0)", line: 100 + $0, eventIndex: 0)
            }
        let result = ValidationResult(
            reports: [FileReport(path: "x.jsonl", frames: 1, dialect: nil, findings: many)], rules: RuleCatalog.all,
            failAt: .error)
        let lines = GitHubReporter.render(result).split(separator: "\n")
        #expect(lines.prefix(10).allSatisfy { $0.hasPrefix("::error ") })
        #expect(lines[10].hasPrefix("::warning "))
        #expect(lines.filter { $0.hasPrefix("::error ") }.count == 10)
        #expect(
            lines.contains("rtscope: 15 more errors not annotated (GitHub shows 10 per level); see the job summary."))
    }

    @Test func githubSummaryStaysUnderTheCap() {
        let many = (1...40_000).map {
            Finding(
                rule: "server-error", severity: .warning, message: String(repeating: "x", count: 60) + "\($0)",
                line: $0, eventIndex: 0)
        }
        let result = ValidationResult(
            reports: [FileReport(path: "x.jsonl", frames: 1, dialect: nil, findings: many)], rules: RuleCatalog.all,
            failAt: .error)
        let summary = GitHubReporter.summary(result)
        #expect(summary.utf8.count < GitHubReporter.summaryCap)
        #expect(summary.contains("more findings not shown"))
    }
}
