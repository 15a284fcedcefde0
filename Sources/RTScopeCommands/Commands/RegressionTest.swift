import ArgumentParser
import Foundation
import RealtimeRecording
import RealtimeSession

extension RTScope {
    /// `rtscope test`: the CI gate: replay every baseline of a folder and diff it.
    struct RegressionTest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test",
            abstract: "Replay every baseline in a folder, diff each against its baseline, write JUnit and Markdown.",
            discussion: """
                Baselines are DIR's *.jsonl files (not *.replay.jsonl). Each is replayed as by \
                `rtscope replay` and diffed as by `rtscope diff`; replays, junit.xml (one testcase per \
                recording and difference class) and summary.md go to --results. --update accepts the \
                replays as the new baselines. The default --fail-on is structure,status,tools,findings \
                (text and latency vary between runs of a real model; add text:0.8 or latency:+20% to gate them).

                EXIT CODES
                  0   every recording replayed and no --fail-on class differs
                  1   a class differs beyond its threshold, or a baseline could not be replayed
                  64  usage error
                  66  DIR cannot be read
                  73  the results cannot be written
                """)

        @Argument(help: "A folder of baseline recordings.")
        var dir: String

        @OptionGroup var upstream: ReplayUpstreamOptions

        @Option(help: "Classes that fail a recording (see `rtscope diff --help`).")
        var failOn = "structure,status,tools,findings"

        @Option(help: "Folder for the replays, junit.xml and summary.md.")
        var results = "rtscope-test-results"

        @Flag(help: "Accept the new recordings as the baselines.")
        var update = false

        func validate() throws {
            try upstream.check()
            if case .failure(let error) = DiffGate.parseList(failOn) { throw ValidationError(error.description) }
        }

        func run() async throws {
            let gates = (try? DiffGate.parseList(failOn).get()) ?? []
            let outcome = try await RegressionRunner.run(
                dir: dir, upstream: try upstream.upstream(), options: try upstream.runnerOptions(), gates: gates,
                results: results, update: update)
            let summary = RegressionRunner.markdown(outcome, gates: gates)
            for (name, text) in [("junit.xml", RegressionRunner.junit(outcome, gates: gates)), ("summary.md", summary)]
            {
                let path = (results as NSString).appendingPathComponent(name)
                do {
                    try OutputFile.write(Array(text.utf8), to: path, mode: .replace)
                } catch {
                    Diagnostics.print("rtscope test: cannot write \(path).")
                    throw ExitCodes.cannotWrite
                }
            }
            let out = Output()
            out.write(summary)
            try out.finish()
            if !outcome.allSatisfy(\.passed) { throw ExitCodes.findings }
        }
    }
}
