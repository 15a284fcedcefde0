import Foundation
import Testing

/// Every input the fuzzer ever crashed on (Tests/Fuzz/regressions) replays through the fuzz
/// target (reader, importers, validator, headless timeline) without a crash or a hang, and
/// through the commands a user runs on it.
struct FuzzRegressionTests {
    static let folder = CLI.repoRoot.appendingPathComponent("Tests/Fuzz/regressions").path

    static var inputs: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasSuffix(".md") }.sorted()
    }

    @Test func theFuzzTargetReplaysEverySavedInput() throws {
        let binary = CLI.binary.deletingLastPathComponent().appendingPathComponent("rtscope-fuzz")
        let process = Process()
        process.executableURL = binary
        process.arguments = Self.inputs.map { "\(Self.folder)/\($0)" }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("\(Self.inputs.count) inputs replayed, no crash."))
    }

    @Test(arguments: inputs)
    func commandsEndCleanlyOnIt(input: String) throws {
        let path = "\(Self.folder)/\(input)"
        for arguments in [["cat", path], ["validate", path], ["view", "--headless", "--keys", "jjGgeEr", path]] {
            let result = try CLI.run(arguments)
            // 0, 1 (findings) and 65 (not a recording) are answers; a signal or anything else is a crash.
            #expect([0, 1, 65].contains(result.status), "\(arguments): exit \(result.status)\n\(result.stderr)")
        }
    }
}
