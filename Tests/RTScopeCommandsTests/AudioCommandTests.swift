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
}
