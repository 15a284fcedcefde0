import Foundation
import RealtimeValidation
import Testing

@testable import RTScopeCommands

struct ValidateCommandTests {
    @Test func cleanSamplesExitZero() throws {
        let samples = ["audio-vad", "barge-in", "function-call", "ga-text-session", "text-in-text-out"].map {
            "recordings/\($0).jsonl"
        }
        let result = try CLI.run(["validate"] + samples)
        #expect(result.status == 0)
        #expect(result.stdout.contains("5 files checked against \(RuleCatalog.all.count) rules: all passed"))
    }

    @Test func warningsFailOnlyWithStrict() throws {
        #expect(try CLI.run(["validate", "recordings/errors.jsonl"]).status == 0)
        let strict = try CLI.run(["validate", "--strict", "recordings/errors.jsonl"])
        #expect(strict.status == 1)
        #expect(strict.stdout.contains("FAIL  recordings/errors.jsonl"))
        let quiet = try CLI.run([
            "validate", "--strict", "--disable", "server-error", "--disable", "response-create-while-active",
            "recordings/errors.jsonl",
        ])
        #expect(quiet.status == 0)
        let only = try CLI.run(["validate", "--enable", "server-error", "--format", "json", "recordings/errors.jsonl"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(only.stdout.utf8)) as? [String: Any])
        #expect((doc["rules"] as? [Any])?.count == 1)
        let minimum = try CLI.run([
            "validate", "--min-severity", "error", "--format", "json", "recordings/errors.jsonl",
        ])
        #expect(minimum.stdout.contains("\"findings\" : [\n\n      ]") || minimum.stdout.contains("\"findings\" : []"))
    }

    @Test func aFaultyRecordingFailsWithLineNumbers() throws {
        let path = CLI.temporaryPath("faulty.jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lines = try String(
            contentsOfFile: CLI.repoRoot.appendingPathComponent("recordings/text-in-text-out.jsonl").path,
            encoding: .utf8
        )
        .split(separator: "\n").filter { !$0.contains("\"type\":\"response.done\"") }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let result = try CLI.run(["validate", path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("\(path):9: error [response-not-done]"))
        let github = try CLI.run(["validate", "--format", "github", path])
        #expect(github.stdout.contains("::error file=\(path),line=9,title=rtscope response-not-done::"))
    }

    @Test func validatesImportableLogsAndReportsUnreadableFiles() throws {
        let imported = try CLI.run(["validate", "Tests/RealtimeRecordingTests/Fixtures/imports/wrapped.jsonl"])
        #expect(imported.stdout.contains("wrapped.jsonl: 3 frames"))
        let missing = try CLI.run(["validate", "nope.jsonl", "recordings/barge-in.jsonl"])
        #expect(missing.status == 66)
        #expect(missing.stderr == "rtscope: nope.jsonl: cannot open: No such file or directory.\n")
        // The summary does not claim success for what was never read.
        #expect(
            missing.stdout.hasSuffix(
                "1 file checked against \(RuleCatalog.all.count) rules: all passed (failing at error); 1 could not be read: nope.jsonl.\n"
            ))
        #expect(try CLI.run(["validate", "--enable", "no-such-rule", "recordings/errors.jsonl"]).status == 64)
        let typo = try CLI.run(["validate", "--disable", "respone-overlap", "recordings/errors.jsonl"])
        #expect(typo.status == 64)
        #expect(
            typo.stderr.contains("Unknown rule 'respone-overlap'; did you mean 'response-overlap'?"), "\(typo.stderr)")
    }

    @Test func writesReportsToFilesAndTheStepSummary() throws {
        let sarif = CLI.temporaryPath("out.sarif")
        let summary = CLI.temporaryPath("summary.md")
        defer { for p in [sarif, summary] { try? FileManager.default.removeItem(atPath: p) } }
        #expect(try CLI.run(["validate", "--format", "sarif", "-o", sarif, "recordings/errors.jsonl"]).status == 0)
        let doc = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: sarif))) as? [String: Any])
        #expect(doc["version"] as? String == "2.1.0")
        let process = try CLI.run(
            ["validate", "--format", "github", "recordings/errors.jsonl"], environment: ["GITHUB_STEP_SUMMARY": summary]
        )
        #expect(process.status == 0)
        #expect(
            try String(contentsOfFile: summary, encoding: .utf8).contains(
                "| `recordings/errors.jsonl` | 33 | 0 | 3 | 0 | ✅ |"))
    }

    /// `-o` writes in place like a shell's `>`: a link stays a link (Foundation's atomic write
    /// renamed a new file over the path, which also turned `-o /dev/null` into a plain file), and
    /// the step summary is appended to, not replaced.
    @Test func reportsGoThroughLinksAndSummariesAccumulate() throws {
        let target = CLI.temporaryPath("report-target.xml")
        let link = CLI.temporaryPath("report-link.xml")
        let summary = CLI.temporaryPath("summary-twice.md")
        defer { for p in [target, link, summary] { try? FileManager.default.removeItem(atPath: p) } }
        try "old and longer than the report will be? no, but it must be gone".write(
            toFile: target, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(try CLI.run(["validate", "--format", "junit", "-o", link, "recordings/errors.jsonl"]).status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        let report = try String(contentsOfFile: target, encoding: .utf8)
        #expect(report.hasPrefix("<?xml") && !report.contains("old and longer"))
        for _ in 0..<2 {
            let run = try CLI.run(
                ["validate", "--format", "github", "recordings/errors.jsonl"],
                environment: ["GITHUB_STEP_SUMMARY": summary])
            #expect(run.status == 0)
        }
        let text = try String(contentsOfFile: summary, encoding: .utf8)
        #expect(text.components(separatedBy: "| `recordings/errors.jsonl` |").count == 3)
        let dash = try CLI.run(["validate", "--format", "junit", "-o", "-", "recordings/errors.jsonl"])
        #expect(dash.stdout.hasPrefix("<?xml"))
        #expect(!FileManager.default.fileExists(atPath: CLI.repoRoot.appendingPathComponent("-").path))
        let unwritable = try CLI.run(["validate", "-o", "/proc/rtscope-no-such-dir/out.txt", "recordings/errors.jsonl"])
        #expect(unwritable.status != 0)
        #expect(
            unwritable.stderr.contains("/proc/rtscope-no-such-dir/out.txt: cannot write: No such file or directory."))
    }

    @Test func rulesAndSpecCommands() throws {
        let rules = try CLI.run(["rules"])
        #expect(rules.stdout.contains("response-create-while-active"))
        let spec = try CLI.run(["spec", "--mermaid"])
        #expect(spec.stdout.hasPrefix("stateDiagram-v2"))
        #expect(try CLI.run(["spec", "--dot"]).stdout.hasPrefix("digraph realtime {"))
    }

    @Test func docsRulesMarkdownIsGeneratedFromTheCatalog() throws {
        let doc = try String(contentsOfFile: CLI.repoRoot.appendingPathComponent("docs/rules.md").path, encoding: .utf8)
        #expect(
            doc == RulesListing.markdown(RuleCatalog.all),
            "regenerate: swift run rtscope rules --markdown > docs/rules.md")
    }
}
