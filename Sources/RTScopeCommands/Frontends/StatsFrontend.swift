import ArgumentParser
import Foundation
import RealtimeProtocol
import RealtimeRecording
import RealtimeSession
import RealtimeValidation

/// Carries out `rtscope stats`: load every file (one pass each), build the report, print it,
/// check the gates.
enum StatsFrontend {
    /// The bundled price table, or the one at `path` (`--prices`); a file that cannot be read or
    /// parsed is one sentence and exit 65.
    static func prices(_ path: String?) throws -> PriceTable {
        guard let path else { return .bundled }
        do {
            return try PriceTable.load(path)
        } catch {
            Diagnostics.print("rtscope: \(error)")
            throw ExitCodes.notARecording
        }
    }

    /// - Returns: whether a gate failed.
    /// - Throws: `ExitCodes` 65/66 for unreadable inputs (after the readable ones are reported).
    static func run(
        files: [String], format: StatsFormat, by: StatsReport.Grouping, gates: [StatsGate], pricesPath: String?,
        out: Output
    ) throws -> Bool {
        let prices = try StatsFrontend.prices(pricesPath)
        var entries: [StatsReport.File] = []
        var failure: Int32?
        for path in files {
            do {
                // No findings are shown, so the rules do not run: the model alone, at the reader's speed.
                let read = try SessionModel.read(path, keepsAudioChunks: false)
                if let first = read.summary.firstError { Diagnostics.print(skipped(path, first, read.summary.errors)) }
                entries.append(StatsReport.file(path: path, model: read.model, prices: prices))
            } catch let error as RecordingError {
                Diagnostics.print("rtscope: \(error)")
                let code = ExitCodes.code(for: error).rawValue
                failure = max(failure ?? 0, code)
            }
        }
        // Nothing could be read: the error (on stderr) and its exit code, not an empty report that looks measured.
        if entries.isEmpty, let failure { throw ExitCode(failure) }
        let report = StatsReport(files: entries, prices: prices, by: by)
        switch format {
        case .text: out.write(StatsRenderer.text(report))
        case .json: out.write(try StatsRenderer.json(report))
        case .csv: out.write(StatsRenderer.csv(report))
        case .markdown: out.write(StatsRenderer.markdown(report))
        case .github:
            out.write(StatsRenderer.text(report))
            if let summary = ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"], !summary.isEmpty {
                do {
                    try OutputFile.write(
                        Array((StatsRenderer.markdown(report) + "\n").utf8), to: summary, mode: .append)
                } catch {
                    Diagnostics.print("rtscope: GITHUB_STEP_SUMMARY: \(error)")
                }
            }
        }
        var failed = false
        for gate in gates {
            guard let measured = gate.measured(in: report) else {
                Diagnostics.print("rtscope stats: gate \(gate): no samples of \(gate.metric), not checked.")
                continue
            }
            let unit = gate.metric == "cost.total" ? "$" : gate.metric == "tokens.total" ? " tokens" : " ms"
            if measured > gate.limit {
                failed = true
                let shown = String(format: "%.4g", measured)
                let text = "rtscope stats: FAILED \(gate): measured \(unit == "$" ? "$" + shown : shown + unit)."
                Diagnostics.print(text)
                if format == .github { out.write("::error title=rtscope stats::\(text)\n") }
            }
        }
        if let failure { throw ExitCode(failure) }
        return failed
    }

    /// The note for lines the reader could not use (the numbers leave them out; `validate` lists them).
    static func skipped(_ path: String, _ first: ReaderIssue, _ count: Int) -> String {
        let more = count > 1 ? " (and \(count - 1) more unreadable lines)" : ""
        return "rtscope stats: \(path):\(first.line): \(first.message); skipped\(more), see `rtscope validate \(path)`."
    }

    /// The metric definitions: a plain list, or docs/metrics.md's Markdown table.
    static func metricList(markdown: Bool) -> String {
        if markdown {
            var md = "| metric | unit | from | to | matches |\n| --- | --- | --- | --- | --- |\n"
            for m in MetricInfo.all {
                md +=
                    "| `\(m.id)` | \(m.unit.rawValue) | \(m.start) | \(m.end) | \(m.matches.isEmpty ? "—" : m.matches) |\n"
            }
            return md
        }
        return MetricInfo.all.map { "\($0.id) (\($0.unit.rawValue)): \($0.summary) From \($0.start) to \($0.end)." }
            .joined(separator: "\n") + "\n"
    }
}
