import ArgumentParser
import RealtimeSession

extension RTScope {
    /// `rtscope diff`: what changed between two recordings of the same conversation.
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare two recordings response by response: structure, tools, text, findings, latency, cost.",
            discussion: """
                Pairs the responses of A and B in order and reports, per class: structure (each response's \
                event-type sequence, each delta stream once where it starts; its output items and content parts), status \
                (statuses, modalities, server errors), tools (call names; arguments compared as JSON), \
                text (output text and transcripts: word similarity and a word diff), findings (rule ids \
                new in B or resolved), latency (each stats metric's median, absolute and relative; changes \
                under 5 ms are noise) and usage (tokens and cost).

                --fail-on structure,tools,findings,latency:+20%,text:0.8,usage:+10% exits 1 when a named \
                class differs beyond its threshold (text:T is the lowest similarity accepted).

                EXIT CODES
                  0   no --fail-on class differs beyond its threshold
                  1   a --fail-on class differs
                  64  usage error (an unknown class in --fail-on)
                  65  an input is not a recording or a supported log
                  66  an input cannot be opened or read
                  73  the output cannot be written
                """)

        @Argument(help: "The baseline recording.")
        var a: String

        @Argument(help: "The recording to compare with it.")
        var b: String

        @Flag(help: "JSON output.") var json = false
        @Flag(help: "Markdown output (for a CI job summary).") var markdown = false

        @Option(help: "Classes that fail the comparison, e.g. structure,tools,findings,latency:+20%,text:0.8.")
        var failOn: String?

        func validate() throws {
            if json && markdown { throw ValidationError("Choose one of --json and --markdown.") }
            if let failOn, case .failure(let error) = DiffGate.parseList(failOn) {
                throw ValidationError(error.description)
            }
        }

        func run() throws {
            let gates = failOn.flatMap { try? DiffGate.parseList($0).get() } ?? []
            let format: DiffFrontend.Format = json ? .json : markdown ? .markdown : .text
            let out = Output()
            let failed = try DiffFrontend.run(a: a, b: b, format: format, gates: gates, out: out)
            try out.finish()
            if failed { throw ExitCodes.findings }
        }
    }
}
