import Foundation
import RealtimeProtocol
import RealtimeRecording
import RealtimeValidation
import Testing

@testable import RTScopeCommands
@testable import RealtimeProxy

/// Every command's human output of a recording full of escape sequences, C1 controls and bidi
/// overrides (the hand-made `hostile-strings.jsonl`) holds none of them raw.
struct TerminalSafetyTests {
    static let hostile = "Tests/RealtimeRecordingTests/Fixtures/hostile-strings.jsonl"

    /// The raw scalars that must never reach a terminal (newline and the GitHub/JUnit line
    /// structure aside).
    static func unsafeScalars(_ text: String) -> [String] {
        text.unicodeScalars.filter { $0 != "\n" && SafeText.isUnsafe($0) }.map { String($0.value, radix: 16) }
    }

    @Test(arguments: [
        ["cat", hostile], ["cat", "--fold-deltas", "-n", hostile], ["cat", "--us", "--type", "error", hostile],
        ["validate", hostile], ["validate", "--format", "github", hostile], ["validate", "--format", "junit", hostile],
        ["view", "--headless", "--size", "200x40", "--keys", "jjjj<enter>", hostile],
        ["validate", "--format", "json", hostile], ["validate", "--format", "sarif", hostile], ["stats", hostile],
        ["stats", "--json", hostile], ["stats", "--csv", hostile], ["stats", "--markdown", hostile],
    ])
    func commandOutputHoldsNoRawControls(arguments: [String]) throws {
        let result = try CLI.run(arguments)
        #expect(!result.stdout.isEmpty)
        #expect(Self.unsafeScalars(result.stdout) == [], "stdout of \(arguments)")
        #expect(Self.unsafeScalars(result.stderr) == [], "stderr of \(arguments)")
    }

    @Test func theEscapesAreVisibleInsteadOfLost() throws {
        let result = try CLI.run(["cat", "--type", "error", Self.hostile])
        #expect(result.stdout.contains(#"code=code_\e[2J\e]52;c;aGVsbG8=\x07\u{9b}31m\u{202e}gnp.exe\u{2066}\x00\x7f"#))
    }

    @Test func gitHubSummaryRowsStayOneLineEach() throws {
        let summaryPath = CLI.temporaryPath("summary.md")
        defer { try? FileManager.default.removeItem(atPath: summaryPath) }
        _ = try CLI.run(
            ["validate", "--format", "github", Self.hostile], environment: ["GITHUB_STEP_SUMMARY": summaryPath])
        let summary = try String(contentsOfFile: summaryPath, encoding: .utf8)
        #expect(Self.unsafeScalars(summary) == [])
        let tableRows = summary.split(separator: "\n").filter { $0.hasPrefix("| ") }
        // Every row of both tables has exactly its columns: no raw line break or pipe split one.
        for row in tableRows {
            let cells = row.replacingOccurrences(of: "\\|", with: "").split(
                separator: "|", omittingEmptySubsequences: false)
            #expect(cells.count == 8 || cells.count == 6, "\(row)")
        }
    }

    @Test func recorderConsoleLinesAreEscaped() {
        let hostile = "\u{1B}]52;c;aGVsbG8=\u{07}\u{9B}\u{202E}x"
        let frame = ObservedFrame(
            conn: "c1", seq: 1, tUs: 1, direction: .serverToClient, opcode: .text, type: "weird." + hostile,
            summary: hostile, bytes: 10)
        let finding = Finding(rule: "x", severity: .error, message: "bad " + hostile, line: 2, eventIndex: 1)
        for event in [
            RecorderEvent.frame(frame), .finding(conn: "c1", finding), .failure(conn: "c1", message: hostile),
        ] {
            let text = LiveConsole.text(for: event, quiet: false) ?? ""
            #expect(text.contains("\\e]52"))
            #expect(Self.unsafeScalars(text) == [])
        }
    }
}
