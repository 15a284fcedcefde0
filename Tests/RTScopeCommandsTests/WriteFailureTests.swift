import Foundation
import Testing

/// A file that cannot be written to the end, for the commands whose files are written on `WriteBehind`'s thread
/// (`import`, `audio`): the file-size limit (`ulimit -f`, with SIGXFSZ ignored) makes the writes past the first
/// kilobyte fail with EFBIG, as a full disk would with ENOSPC.
struct WriteFailureTests {
    /// Runs `rtscope arguments…` with a file-size limit of `blocks` (of 512 or 1024 bytes, as the shell counts).
    static func runWithFileSizeLimit(_ blocks: Int, _ arguments: [String]) throws -> (status: Int32, stderr: String) {
        try CLI.runThroughShell(#"trap '' XFSZ; ulimit -f \#(blocks); exec "$0" "$@""#, arguments)
    }

    @Test func anImportWhoseOutputCannotBeWrittenExits73InOneSentenceAndLeavesNothing() throws {
        // Hand-made events: 20,000 lines (about 1.6 MiB of output), more than the importer's 1 MiB buffer, so
        // the frames are written by the write-behind thread.
        let input = CLI.temporaryPath("events.jsonl")
        let out = CLI.temporaryPath("out.jsonl")
        defer { for p in [input, out] { try? FileManager.default.removeItem(atPath: p) } }
        let line = #"{"type":"response.output_text.delta","event_id":"event_1","delta":"hello there"}"# + "\n"
        try String(repeating: line, count: 20_000).write(toFile: input, atomically: false, encoding: .utf8)
        let result = try Self.runWithFileSizeLimit(2, ["import", input, "-o", out])
        #expect(result.status == 73)
        #expect(result.stderr == "rtscope: \(out): cannot write: File too large.\n")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func anAudioExportWhoseFilesCannotBeWrittenExits73InOneSentence() throws {
        let folder = CLI.temporaryPath("audio")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try Self.runWithFileSizeLimit(2, ["audio", "recordings/audio-vad.jsonl", "-o", folder])
        #expect(result.status == 73)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(result.stderr.hasPrefix("rtscope: \(folder)/audio-vad."))
        #expect(result.stderr.hasSuffix(".wav: cannot write: File too large.\n"))
    }
}
