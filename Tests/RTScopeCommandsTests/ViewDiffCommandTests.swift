import Foundation
import Testing

/// `rtscope view A --diff B --headless` as a user runs it: the aligned screen, and bad input.
struct ViewDiffCommandTests {
    static let baseline = CLI.repoRoot.appendingPathComponent("recordings/regression/function-call.jsonl").path

    /// The rows of the list (below the three title lines, above the footer).
    static func rows(_ screen: String) -> [String] {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return Array(lines.dropFirst(3).dropLast())
    }

    /// The baseline against itself with one tool call's arguments changed (hand-made: "Paris" → "Lyon" in every
    /// event of the call's item, `item_s1_0004`: its deltas, `.done` and items, so no finding changes).
    @Test func aChangedToolArgumentIsMarkedToolsOnItsRows() throws {
        let text = try String(contentsOfFile: Self.baseline, encoding: .utf8)
        let changed = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.contains(#""item_s1_0004""#)
                ? line.replacingOccurrences(of: "Paris", with: "Lyon") : String(line)
        }.joined(separator: "\n")
        #expect(changed != text)
        let b = CLI.temporaryPath("lyon.jsonl")
        try changed.write(toFile: b, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: b) }
        let result = try CLI.run(["view", Self.baseline, "--diff", b, "--headless", "--size", "160x60", "--keys", "n"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = Self.rows(result.stdout)
        let marked = rows.filter {
            $0.dropFirst().hasPrefix(" ~") || $0.dropFirst().hasPrefix(" <") || $0.dropFirst().hasPrefix(" >")
        }
        #expect(!marked.isEmpty)
        #expect(marked.allSatisfy { $0.contains("tools") }, "\(marked)")
        let done = try #require(rows.first { $0.contains("response.function_call_arguments.done") })
        #expect(done.contains("~  tools"))
        #expect(result.stdout.contains("tools: 1 difference"))
        #expect(result.stdout.contains("difference 1 of 1: changed (tools)"))
        // Enter on the call's `.done` (two rows below the first marked one) lists the changed field.
        let detail = try CLI.run([
            "view", Self.baseline, "--diff", b, "--headless", "--size", "160x60", "--keys", "njj<enter>",
        ])
        #expect(detail.stdout.contains("field arguments:"), "\(detail.stdout)")
        #expect(detail.stdout.contains("Lyon"))
    }

    /// A recording replayed against the simulator and diffed with its baseline: its responses line up, and no row
    /// carries a structure, tools or findings difference.
    @Test(.timeLimit(.minutes(2)))
    func aReplayAgainstTheSimulatorLinesUpWithItsBaseline() throws {
        let out = CLI.temporaryPath("replay.jsonl")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let replay = try CLI.run(["replay", Self.baseline, "--serve", "--asap", "--out", out])
        #expect(replay.status == 0, "\(replay.stderr)")
        let result = try CLI.run(["view", Self.baseline, "--diff", out, "--headless", "--size", "160x80"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("structure: same · status: same · tools: same"))
        let rows = Self.rows(result.stdout)
        #expect(rows.contains { $0.contains("response.function_call_arguments.done") })
        for row in rows {
            for kind in ["structure", "tools", "findings"] { #expect(!row.prefix(20).contains(kind), "\(row)") }
        }
    }

    @Test func identicalRecordingsHaveNoMarkedRow() throws {
        let result = try CLI.run(["view", Self.baseline, "--diff", Self.baseline, "--headless", "--size", "160x70"])
        #expect(result.status == 0)
        #expect(result.stdout.contains(" 0 row differences "))
        #expect(
            Self.rows(result.stdout).allSatisfy { row in
                ["~", "<", ">"].allSatisfy { !row.dropFirst().hasPrefix(" " + $0) }
            })
    }

    @Test func aMissingSecondRecordingIsExit66NamingIt() throws {
        let result = try CLI.run(["view", Self.baseline, "--diff", "no-such-b.jsonl", "--headless"])
        #expect(result.status == 66)
        #expect(result.stderr.contains("no-such-b.jsonl"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stdout.isEmpty)
    }

    @Test func aSecondFileThatIsNoRecordingIsExit65NamingIt() throws {
        let b = CLI.temporaryPath("notes.txt")
        try "just some notes\nnothing else\n".write(toFile: b, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: b) }
        let result = try CLI.run(["view", Self.baseline, "--diff", b, "--headless"])
        #expect(result.status == 65)
        #expect(result.stderr.contains(b))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func aSecondPathThatIsADirectoryIsExit66() throws {
        let result = try CLI.run(["view", Self.baseline, "--diff", "recordings", "--headless"])
        #expect(result.status == 66, "\(result.stderr)")
        #expect(result.stderr.contains("recordings"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func diffAndFollowAreAUsageError() throws {
        let result = try CLI.run(["view", Self.baseline, "--diff", Self.baseline, "--follow", "--headless"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--follow and --diff cannot be combined"))
    }

    @Test func bothFromStandardInputIsAUsageError() throws {
        let result = try CLI.run(["view", "-", "--diff", "-", "--headless"], stdin: Data())
        #expect(result.status == 64)
        #expect(result.stderr.contains("Only one of FILE and --diff can be standard input (-)."))
    }

    @Test func theSecondRecordingCanComeFromStandardInput() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.baseline))
        let result = try CLI.run(
            ["view", Self.baseline, "--diff", "-", "--headless", "--size", "160x40"], stdin: bytes)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(" 0 row differences "))
    }
}
