import ArgumentParser
import Foundation
import RealtimeRecording

extension RTScope {
    /// `rtscope import`: convert someone else's log into recordings.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convert a HAR file, a JSON array of events or a JSONL event log into a recording.",
            discussion: """
                HAR: every WebSocket entry with _webSocketMessages (Chrome DevTools, mitmproxy, HTTP \
                Toolkit) becomes its own recording; with several, OUT gets a number before its extension \
                (out.1.jsonl, out.2.jsonl, …). Credentials in the entry's URL and headers are removed. \
                Event logs: where the log does not say who sent an event, the direction comes from the \
                event catalog and the frame is marked dir_inferred.
                """)

        @Argument(help: "The log to convert (- for standard input).")
        var file: String

        @Option(name: .shortAndLong, help: "Where to write the recording (- for standard output).")
        var output: String

        @Flag(help: "Overwrite existing output files.")
        var force = false

        func run() throws {
            do {
                let written = try ImportFrontend.run(input: file, output: output, overwrite: force)
                for line in written { Diagnostics.print(line) }
            } catch let error as ImportFrontend.Failure {
                Diagnostics.print("rtscope: \(error.message)")
                throw error.exitCode
            }
        }
    }
}
