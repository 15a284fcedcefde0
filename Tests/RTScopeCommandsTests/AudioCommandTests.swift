import Foundation
import Testing

/// `rtscope audio`'s selections, end to end through the binary.
struct AudioSelectionCommandTests {
    @Test func aTurnExportsItsInputAndAnswerAndAnUnknownTurnIsAUsageError() throws {
        let folder = CLI.temporaryPath("audio-turn")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let second = try CLI.run(["audio", "--turn", "2", "--as-heard", "-o", folder, "recordings/barge-in.jsonl"])
        #expect(second.status == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(files == ["barge-in.input.item_U302.wav", "barge-in.output.item_A302.wav"])

        let first = try CLI.run(["audio", "--turn", "1", "--as-heard", "-o", folder, "recordings/barge-in.jsonl"])
        #expect(first.stderr.contains("barge-in.output.item_A301.heard.wav"))
        #expect(!first.stderr.contains("barge-in.output.item_A301.wav"))

        let missing = try CLI.run(["audio", "--turn", "9", "-o", folder, "recordings/barge-in.jsonl"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("has 2 voice turns"))
    }

    /// `--turn N` finds the turn in the export's one pass: a recording on standard input, which can be read only
    /// once, exports the same files as the file does (a first pass for the turns would leave nothing to export).
    @Test func aTurnIsFoundInOnePassSoStandardInputWorks() throws {
        let folder = CLI.temporaryPath("audio-turn-stdin")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let recording = try Data(contentsOf: CLI.repoRoot.appendingPathComponent("recordings/barge-in.jsonl"))
        let piped = try CLI.run(["audio", "-", "--turn", "2", "-o", folder], stdin: recording)
        #expect(piped.status == 0, "\(piped.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(files == ["stdin.input.item_U302.wav", "stdin.output.item_A302.wav"])
        let fromFile = CLI.temporaryPath("audio-turn-file")
        defer { try? FileManager.default.removeItem(atPath: fromFile) }
        #expect(try CLI.run(["audio", "recordings/barge-in.jsonl", "--turn", "2", "-o", fromFile]).status == 0)
        for (piped, file) in zip(files, ["barge-in.input.item_U302.wav", "barge-in.output.item_A302.wav"]) {
            #expect(
                FileManager.default.contents(atPath: folder + "/" + piped)
                    == FileManager.default.contents(atPath: fromFile + "/" + file))
        }
        let zero = try CLI.run(["audio", "recordings/barge-in.jsonl", "--turn", "0", "-o", folder])
        #expect(zero.status == 64 && zero.stderr.contains("--turn 0"))
    }
}
