import ArgumentParser
import RealtimeProtocol
import RealtimeRecording

extension RTScope {
    /// `rtscope cat`: print a recording (or an importable log) one line per frame.
    struct Cat: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a recording: one line per frame, or the selected frames as JSONL.",
            discussion: """
                Each line shows the time since the start (ms, µs precision), the gap to the previous \
                line, the direction (→ client to server, ← server to client; ? when inferred by an \
                importer), the event type and a short summary. Payload text is printed with control \
                characters escaped. HAR files and plain event logs are imported on the fly. Use - to \
                read standard input.
                """)

        @Argument(help: "Recordings or logs to print (- for standard input).")
        var files: [String] = ["-"]

        @Option(
            name: .customLong("type"),
            help: "Only events whose type matches this glob (repeatable), e.g. 'response.*.delta'.")
        var types: [String] = []

        @Option(help: "Only frames sent by the client or by the server.")
        var dir: DirectionArgument?

        @Option(help: "Only events of this response id (response_id or response.id).")
        var response: String?

        @Option(help: "Only events of this item id (item_id or item.id).")
        var item: String?

        @Option(help: "Only events of this function call id (call_id or item.call_id).")
        var call: String?

        @Option(help: "Only frames at or after this time (ms since the start).")
        var since: Double?

        @Option(help: "Only frames at or before this time (ms since the start).")
        var until: Double?

        @Flag(help: "Fold consecutive deltas of one stream into one line with count and accumulated text.")
        var foldDeltas = false

        @Flag(help: "Print the selected frames as a valid recording (header + original lines).")
        var jsonl = false

        @Flag(help: "Print only the number of selected frames.")
        var count = false

        @Flag(name: [.customShort("n"), .long], help: "Show each frame's line number in the file.")
        var lineNumbers = false

        @Flag(help: "Show times as integer microseconds.")
        var us = false

        func validate() throws {
            if jsonl && count { throw ValidationError("--jsonl and --count cannot be combined.") }
            if let since, let until, since > until { throw ValidationError("--since must not be after --until.") }
        }

        func run() throws {
            var options = CatFrontend.Options()
            options.mode = count ? .count : jsonl ? .jsonl : .human
            options.filter = FrameFilter(
                types: types.map(TypeGlob.init), direction: dir?.direction, responseID: response, itemID: item,
                callID: call, sinceMs: since, untilMs: until)
            options.foldDeltas = foldDeltas
            options.lineNumbers = lineNumbers
            options.microseconds = us
            options.color = Terminal.colorAllowed()
            let output = Output()
            let frontend = CatFrontend(options: options, output: output)
            var headerWritten = false
            for file in files {
                do {
                    _ = try frontend.run(path: file, headerWritten: &headerWritten)
                } catch let error as RecordingError {
                    Diagnostics.print("rtscope: \(error)")
                    throw ExitCodes.code(for: error)
                } catch let refusal as CatFrontend.SeveralConnections {
                    Diagnostics.print("rtscope: \(refusal)")
                    throw ExitCodes.usage  // the options cannot apply to this input, as for other usage errors
                }
            }
            try output.finish()
        }
    }
}

/// `client` or `server` on the command line.
struct DirectionArgument: ExpressibleByArgument {
    let direction: Direction
    init?(argument: String) {
        guard let direction = Direction(word: argument) else { return nil }
        self.direction = direction
    }
    static var allValueStrings: [String] { ["client", "server"] }
}
