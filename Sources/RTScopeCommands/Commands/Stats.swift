import ArgumentParser
import Foundation
import RealtimeRecording
import RealtimeSession

extension RTScope {
    /// `rtscope stats`: latency, turn-taking, tool and cost numbers from recordings, with CI gates.
    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Latency, turn-taking, tool and cost numbers from recordings, with CI gates.",
            discussion: """
                Reads recordings (or any log `rtscope import` reads) once each and prints, per file, one row \
                per response (what triggered it, time to first text and audio, the user-perceived turn \
                latency, total time, tokens), then count, p50, p90, p95, p99 and max of every metric over \
                all files, the five worst turns as FILE:LINE, and the cost. docs/metrics.md defines each \
                metric by its start and end events. Logs without timestamps give no latencies \
                ("unavailable", never 0). It runs no validation rules (`rtscope validate` does); a line it \
                cannot read is named on stderr (FILE:LINE) and left out of the numbers.

                Gates: --max turn_latency.p95=1200ms --max barge_in.yield.p95=300ms --max cost.total=0.50 \
                exits 1 and names each metric over its limit (units ms, s or $; the statistic defaults to p95).

                EXIT CODES
                  0   every gate passed (or none given)
                  1   a gate failed
                  64  usage error (an unknown metric in --max)
                  65  an input is not a recording or a supported log
                  66  an input cannot be opened or read
                  73  the output cannot be written
                """)

        @Argument(help: "Recordings or logs.")
        var files: [String] = []

        @Option(help: "Output: text, json, csv, markdown, or github (text plus a job summary in $GITHUB_STEP_SUMMARY).")
        var format: StatsFormat = .text

        @Flag(help: "Same as --format json.") var json = false
        @Flag(help: "Same as --format csv.") var csv = false
        @Flag(help: "Same as --format markdown.") var markdown = false

        @Option(help: "Group the aggregates by model, dialect or file.")
        var by: GroupingArgument = GroupingArgument(grouping: .none)

        @Option(
            name: .customLong("max"), help: "A gate, METRIC[.STAT]=LIMIT (repeatable), e.g. turn_latency.p95=1200ms.")
        var gates: [String] = []

        @Option(help: "A JSON price table instead of the bundled one (see docs/metrics.md).")
        var prices: String?

        @Flag(help: "List the metrics and their definitions (with --markdown: docs/metrics.md's table).")
        var listMetrics = false

        func validate() throws {
            if !listMetrics, files.isEmpty { throw ValidationError("Name at least one recording.") }
            for gate in gates {
                if case .failure(let error) = StatsGate.parse(gate) { throw ValidationError(error.description) }
            }
        }

        func run() throws {
            let chosen: StatsFormat = json ? .json : csv ? .csv : markdown ? .markdown : format
            let out = Output()
            if listMetrics {
                out.write(StatsFrontend.metricList(markdown: chosen == .markdown))
                try out.finish()
                return
            }
            let parsed = gates.compactMap { try? StatsGate.parse($0).get() }
            let failed = try StatsFrontend.run(
                files: files, format: chosen, by: by.grouping, gates: parsed, pricesPath: prices, out: out)
            try out.finish()
            if failed { throw ExitCodes.findings }
        }
    }
}

enum StatsFormat: String, ExpressibleByArgument, CaseIterable { case text, json, csv, markdown, github }

struct GroupingArgument: ExpressibleByArgument {
    let grouping: StatsReport.Grouping
    init(grouping: StatsReport.Grouping) { self.grouping = grouping }
    init?(argument: String) {
        guard let grouping = StatsReport.Grouping(rawValue: argument) else { return nil }
        self.grouping = grouping
    }
    static var allValueStrings: [String] { StatsReport.Grouping.allCases.map(\.rawValue) }
    var defaultValueDescription: String { grouping.rawValue }
}
