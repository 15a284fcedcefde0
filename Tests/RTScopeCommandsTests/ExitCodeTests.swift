import Foundation
import Testing

@testable import RTScopeCommands

/// Exit codes and one-sentence messages that are the same in every command.
struct ExitCodeTests {
    /// Runs `rtscope arguments…` with standard output sent to `/dev/full` (every write fails with ENOSPC).
    static func runToFullDisk(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        try CLI.runThroughShell(#"exec "$0" "$@" > /dev/full"#, arguments)
    }

    @Test(
        .enabled(if: FileManager.default.fileExists(atPath: "/dev/full")),
        arguments: [
            ["cat", "recordings/audio-vad.jsonl"], ["cat", "--jsonl", "recordings/audio-vad.jsonl"],
            ["validate", "recordings/errors.jsonl"], ["rules"], ["events"], ["spec"],
        ])
    func aFailedWriteToStandardOutputExits73(arguments: [String]) throws {
        let result = try Self.runToFullDisk(arguments)
        #expect(result.status == 73)
        #expect(result.stderr == "rtscope: standard output: cannot write: No space left on device.\n")
    }

    @Test func aClosedPipeStillEndsQuietly() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [
            "-c", #""$0" cat "$1" | head -n 1 > /dev/null"#, CLI.binary.path, "recordings/audio-vad.jsonl",
        ]
        process.currentDirectoryURL = CLI.repoRoot
        let err = Pipe()
        process.standardError = err
        try process.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(data.isEmpty)
    }

    @Test func aMistypedCommandGetsASuggestion() throws {
        let result = try CLI.run(["valdiate", "x.jsonl"])
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("rtscope: unknown command 'valdiate'; did you mean 'validate'?\n"))
        let unknown = try CLI.run(["frobnicate"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("the commands are demo, record, serve, view, validate, stats, audio, cat"))
        #expect(try CLI.run(["--version"]).status == 0)
    }

    @Test func suggestionsUseEditDistance() {
        let commands = ["view", "validate", "record", "cat"]
        #expect(CommandSuggestion.distance("valdiate", "validate") == 1)
        #expect(CommandSuggestion.message(for: ["recrod"], commands: commands)?.contains("'record'") == true)
        #expect(CommandSuggestion.message(for: ["val"], commands: commands)?.contains("'validate'") == true)
        #expect(CommandSuggestion.message(for: ["view", "x"], commands: commands) == nil)
        #expect(CommandSuggestion.message(for: ["--help"], commands: commands) == nil)
        #expect(CommandSuggestion.message(for: [], commands: commands) == nil)
    }

    @Test func validateToAFileStillSaysHowItWent() throws {
        let path = CLI.temporaryPath("report.xml")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let failed = try CLI.run(["validate", "--strict", "--format", "junit", "-o", path, "recordings/errors.jsonl"])
        #expect(failed.status == 1)
        #expect(
            failed.stderr
                == "rtscope validate: 1 of 1 file failed (0 errors, 3 warnings, 0 notes); report: \(path).\n")
        let passed = try CLI.run(["validate", "-o", path, "recordings/barge-in.jsonl"])
        #expect(passed.status == 0)
        #expect(passed.stderr.hasPrefix("rtscope validate: 1 file passed (0 errors"))
    }

    @Test func emptyInputsFailValidation() throws {
        let empty = try CLI.run(["validate", "/dev/null"])
        #expect(empty.status == 1)
        #expect(empty.stdout.contains("[recording-empty]"))
    }

    @Test func demoRefusesAnUnknownFault() throws {
        let result = try CLI.run(["demo", "--no-view", "--fault", "bogus"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("Unknown fault 'bogus'"))
    }

    @Test func demoWithAFaultShowsProgressAndFails() throws {
        let folder = CLI.temporaryPath("demo")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let started = ContinuousClock.now
        let result = try CLI.run(["demo", "--no-view", "--fault", "drop-response-done", "--out", folder])
        #expect(result.status == 1)
        #expect(result.stdout.contains("rtscope demo: [1/9] session.updated"))
        #expect(result.stdout.contains("while the client waited for response.done"))
        #expect(result.stderr.contains("the recording has 1 error; exit code 1."))
        #expect(ContinuousClock.now - started < .seconds(25))
    }

    @Test(arguments: [["cat"], ["cat", "--count"], ["validate"], ["view", "--headless"]])
    func anInputThatIsNoRecordingExits65InEveryCommand(command: [String]) throws {
        for file in ["README.md", "Package.swift"] {
            let result = try CLI.run(command + [file])
            #expect(result.status == 65, "\(command) \(file)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(result.stderr)")
            #expect(
                lines.first?.hasPrefix("rtscope: \(file): not a recording or a supported log: from line 1 on") == true)
            #expect(!result.stdout.contains("reader.invalid-json"))
        }
        let missing = try CLI.run(command + ["no-such-file.jsonl"])
        #expect(missing.status == 66)
    }

    @Test func importSaysTheSameWithTheSameCode() throws {
        let result = try CLI.run(["import", "README.md", "-o", "-"])
        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("rtscope: README.md: not a supported log: line 1"))
    }

    @Test func aDamagedRecordingIsStillReadLineByLine() throws {
        // A recording with its header replaced by garbage keeps its frames: findings, not exit 65.
        let path = CLI.temporaryPath("damaged.jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sample = try String(
            contentsOfFile: CLI.repoRoot.appendingPathComponent("recordings/barge-in.jsonl").path, encoding: .utf8)
        try ("not json at all\n" + sample.split(separator: "\n").dropFirst().joined(separator: "\n") + "\n").write(
            toFile: path, atomically: true, encoding: .utf8)
        let result = try CLI.run(["cat", "--count", path])
        #expect(result.status == 0)
        #expect(result.stdout == "69\n")  // every frame line of the 70-line sample
    }
}

/// The demo's "Next:" hints name the binary the way it can be run.
struct InvocationTests {
    @Test func hintsUseTheBareNameOnlyWhenPathFindsThisBinary() {
        #expect(
            Invocation.program(
                executable: "/usr/local/bin/rtscope", typed: "/usr/local/bin/rtscope", path: "/usr/bin:/usr/local/bin",
                cwd: "/x")
                == "rtscope")
        #expect(
            Invocation.program(
                executable: "/src/rtscope/.build/x86_64/debug/rtscope", typed: "/src/rtscope/.build/debug/rtscope",
                path: "/usr/bin", cwd: "/src/rtscope")
                == ".build/debug/rtscope")
        #expect(
            Invocation.program(executable: "/opt/rt/rtscope", typed: "/opt/rt/rtscope", path: "/usr/bin", cwd: "/home")
                == "/opt/rt/rtscope")
        #expect(
            Invocation.program(executable: "/home/rtscope", typed: "/home/rtscope", path: "", cwd: "/home")
                == "./rtscope")
    }
}
