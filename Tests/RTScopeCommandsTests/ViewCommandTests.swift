import Foundation
import Testing

/// `rtscope view --headless` as a user runs it: streams, errors, help.
struct ViewCommandTests {
    static let sample = CLI.repoRoot.appendingPathComponent("recordings/errors.jsonl").path

    /// `cat f.jsonl | rtscope view --headless -` spun a core forever.
    @Test(.timeLimit(.minutes(1)))
    func standardInputIsRead() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.sample))
        let result = try CLI.run(["view", "--headless", "-"], stdin: bytes)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("33 events"))
        #expect(result.stdout.contains("session.created"))
    }

    /// `rtscope view --headless <(cat f)` showed "0 events" and exited 0.
    @Test(.timeLimit(.minutes(1)))
    func processSubstitutionIsRead() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "'\(CLI.binary.path)' view --headless <(cat '\(Self.sample)')"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(text.contains("33 events"))
    }

    @Test func followingAStreamIsRefusedWithOneSentence() throws {
        let result = try CLI.run(["view", "--headless", "--follow", "-"], stdin: Data())
        #expect(result.status == 64)
        #expect(result.stderr.contains("--follow needs a file that is being written; - is a stream"))
    }

    @Test func aMissingFileIsExit66NamingIt() throws {
        let result = try CLI.run(["view", "--headless", "no-such-file.jsonl"])
        #expect(result.status == 66)
        #expect(result.stderr.contains("no-such-file.jsonl: cannot open"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func helpListsEveryTimelineKeyGroup() throws {
        let result = try CLI.run(["view", "--help"])
        let help = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for phrase in ["r related event", "c conversation", "Space replay", "e/E next/previous error", "? help"] {
            #expect(help.contains(phrase), "\(phrase)")
        }
    }

    @Test func aTooLargeSizeIsAUsageError() throws {
        let result = try CLI.run(["view", "--headless", "--size", "99999999999x99999999999", Self.sample])
        #expect(result.status == 64)
    }

    /// Runs a shell command under `script`, which gives it a pseudo-terminal (so `view` takes the interactive path);
    /// returns what it printed.
    static func underTerminal(_ command: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", command, "/dev/null"]
        process.standardInput = FileHandle.nullDevice
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text
    }

    /// An unknown TERM gets one sentence suggesting --headless, not curses' "Error opening terminal" and exit 1.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script(1)"))
    func anUnknownTerminalSuggestsHeadless() throws {
        let text = try Self.underTerminal(
            "TERM=no-such-terminal-xyz '\(CLI.binary.path)' view '\(Self.sample)'; echo EXIT=$?")
        #expect(text.contains("'no-such-terminal-xyz' (TERM) is unknown to ncurses"), "\(text)")
        #expect(text.contains("--headless"))
        #expect(text.contains("EXIT=64"))
    }

    /// `rtscope view -` typed at a prompt would wait for a recording typed by hand: it says so instead.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script(1)"))
    func standardInputFromATerminalIsRefused() throws {
        let text = try Self.underTerminal("'\(CLI.binary.path)' view -; echo EXIT=$?")
        #expect(text.contains("standard input is a terminal; pipe a recording in or name a file."), "\(text)")
        #expect(text.contains("EXIT=64"))
    }

    /// `demo` opens the timeline too: the same sentence, with its own way out.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script(1)"))
    func demoOnAnUnknownTerminalSuggestsNoView() throws {
        let folder = CLI.temporaryPath("demo")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let text = try Self.underTerminal(
            "TERM=no-such-terminal-xyz '\(CLI.binary.path)' demo --out '\(folder)'; echo EXIT=$?")
        #expect(text.contains("ncurses does not know the terminal type 'no-such-terminal-xyz' (TERM); pass --no-view"))
        #expect(text.contains("EXIT=64"))
    }
}
