import Foundation
import RealtimeProtocol
import RealtimeRecording

/// `rtscope stats` output: a per-file table of responses, the aggregates, the worst turns and
/// the cost, as text, Markdown, CSV or JSON.
///
/// Ids and paths from recordings pass `SafeText.escape` here, the output boundary. Missing
/// values print as `-` (text, Markdown), empty (CSV) or `null` (JSON), never as 0.
public enum StatsRenderer {
    static func ms(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "-" }
    static func dollars(_ value: Double?) -> String { value.map { String(format: "$%.4f", $0) } ?? "-" }
    static func safe(_ text: String) -> String { SafeText.escape(text) }

    /// Every sample of `file` by metric and subject (the first one when a subject repeats), so a
    /// table of n responses costs O(n), not O(n × samples).
    static func lookup(_ file: StatsReport.File) -> [Pair: Double] {
        var out: [Pair: Double] = [:]
        for sample in file.samples where out[Pair(sample.metric, sample.subject)] == nil {
            out[Pair(sample.metric, sample.subject)] = sample.value
        }
        return out
    }

    struct Pair: Hashable {
        let metric: String
        let subject: String
        init(_ metric: String, _ subject: String) {
            self.metric = metric
            self.subject = subject
        }
    }

    /// One row per response: the same columns in every format.
    static let columns = [
        "file", "line", "response", "trigger", "status", "created_ms", "first_text_ms", "first_audio_ms",
        "turn_latency_ms", "total_ms", "input_tokens", "output_tokens",
    ]

    static func rows(_ file: StatsReport.File) -> [[String?]] {
        let values = lookup(file)
        func value(_: StatsReport.File, _ metric: String, _ subject: String) -> Double? {
            values[Pair(metric, subject)]
        }
        return file.model.responses.map { r in
            let turn = r.turn.map { file.model.turns[$0] }
            let turnLatency = turn.flatMap { t in value(file, "turn_latency", t.itemID ?? "turn") }
            let trigger = r.requested != nil ? "response.create" : r.turn != nil ? "voice turn" : "server"
            return [
                file.path, String(r.created.line), r.id, trigger, r.status,
                value(file, "response.created", r.id).map { ms($0) },
                value(file, "response.first_text", r.id).map { ms($0) },
                value(file, "response.first_audio", r.id).map { ms($0) }, turnLatency.map { ms($0) },
                value(file, "response.total", r.id).map { ms($0) }, r.usage.map { String($0.inputTokens) },
                r.usage.map { String($0.outputTokens) },
            ]
        }
    }

    public static func text(_ report: StatsReport) -> String {
        var out = ""
        for file in report.files {
            let m = file.model
            out +=
                "\(safe(file.path)): \(safe(m.model ?? "unknown model")), \(m.dialect?.rawValue ?? "unknown dialect"), "
                + "\(Plural.count(m.responses.count, "response")), \(Plural.count(m.turns.count, "voice turn")), "
                + "\(Plural.count(m.toolCalls.count, "tool call")), \(Plural.count(m.bargeIns.count, "barge-in")), "
                + "cost \(dollars(file.cost))\(file.model.timed ? "" : "; no timing in source: latencies unavailable")\n"
            guard !m.responses.isEmpty else { continue }
            out +=
                "  line   response                 trigger          status      created  1st text  1st audio  turn lat.    total\n"
            for row in rows(file) {
                func cell(_ k: Int, _ width: Int, left: Bool = false) -> String {
                    let text = safe(row[k] ?? "-")
                    let pad = String(repeating: " ", count: max(0, width - text.count))
                    return left ? text + pad : pad + text
                }
                out +=
                    "  \(cell(1, 5, left: true))  \(cell(2, 24, left: true)) \(cell(3, 16, left: true)) \(cell(4, 10, left: true))"
                    + " \(cell(5, 8)) \(cell(6, 9)) \(cell(7, 10)) \(cell(8, 10)) \(cell(9, 8))\n"
            }
        }
        for group in report.groups {
            out += "\n" + (group.name == "all" ? "all files" : safe(group.name)) + ":\n"
            if group.summaries.isEmpty { out += "  no timed samples (latencies unavailable)\n" }
            out +=
                group.summaries.isEmpty
                ? "" : "  metric                       unit  count      p50      p90      p95      p99      max\n"
            for s in group.summaries {
                let unit = MetricInfo.info(s.metric)?.unit.rawValue ?? ""
                let name =
                    s.metric + String(repeating: " ", count: max(0, 28 - s.metric.count)) + unit
                    + String(repeating: " ", count: max(0, 4 - unit.count))
                let cells = [s.p50, s.p90, s.p95, s.p99, s.max].map { v in
                    let t = ms(v)
                    return String(repeating: " ", count: max(0, 8 - t.count)) + t
                }
                out += "  \(name) \(String(format: "%6d", s.count)) \(cells.joined(separator: " "))\n"
            }
        }
        let worst = report.worst()
        if !worst.isEmpty {
            out += "\nworst \(report.headlineMetric) (FILE:LINE where it ended; rtscope view FILE, then :LINE):\n"
            for (path, sample) in worst {
                out += "  \(safe(path)):\(sample.line)  \(ms(sample.value)) ms  \(safe(sample.subject))\n"
            }
        }
        let usage = report.totalUsage
        out +=
            "\ntokens: \(usage.inputTokens) in (\(usage.inputAudioTokens) audio, \(usage.cachedTokens) cached), "
            + "\(usage.outputTokens) out (\(usage.outputAudioTokens) audio); cost \(dollars(report.totalCost))"
            + " at \(safe(report.prices.source)), \(report.prices.date)\n"
        let unpriced = Set(report.files.filter { $0.cost == nil }.map { $0.model.model ?? "unknown model" })
        if !unpriced.isEmpty {
            out +=
                "no price for: \(unpriced.sorted().map(safe).joined(separator: ", ")) (not counted; add them with --prices FILE)\n"
        }
        return out
    }

    public static func csv(_ report: StatsReport) -> String {
        func field(_ s: String?) -> String {
            guard let s = s.map(safe) else { return "" }
            return s.contains(where: { ",\"\n\r".contains($0) })
                ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        var out = columns.joined(separator: ",") + "\n"
        for file in report.files { for row in rows(file) { out += row.map(field).joined(separator: ",") + "\n" } }
        return out
    }

    public static func markdown(_ report: StatsReport) -> String {
        func cell(_ s: String) -> String { safe(s).replacingOccurrences(of: "|", with: "\\|") }
        var md =
            "## rtscope stats\n\n| metric | count | p50 | p90 | p95 | p99 | max |\n| --- | --- | --- | --- | --- | --- | --- |\n"
        for s in report.overall {
            md +=
                "| `\(s.metric)` | \(s.count) | \(ms(s.p50)) | \(ms(s.p90)) | \(ms(s.p95)) | \(ms(s.p99)) | \(ms(s.max)) |\n"
        }
        let worst = report.worst()
        if !worst.isEmpty {
            md += "\nWorst `\(report.headlineMetric)`:\n\n| where | ms | subject |\n| --- | --- | --- |\n"
            for (path, sample) in worst {
                md += "| \(cell("\(path):\(sample.line)")) | \(ms(sample.value)) | \(cell(sample.subject)) |\n"
            }
        }
        md += "\nCost: \(dollars(report.totalCost)) (\(cell(report.prices.source)), \(report.prices.date)).\n"
        return md
    }

    /// The report as pretty JSON, keys sorted, in the layout `JSONSerialization` gave it.
    ///
    /// `/` is written `\/` and non-finite numbers as `null`. Built as a `JSON` tree and written by its serializer.
    /// Does not throw (kept `throws` for callers).
    public static func json(_ report: StatsReport) throws -> String {
        func summary(_ s: MetricSummary) -> JSON {
            [
                "metric": .string(s.metric), "count": .int(s.count), "p50": .double(s.p50), "p90": .double(s.p90),
                "p95": .double(s.p95), "p99": .double(s.p99), "max": .double(s.max), "mean": .double(s.mean),
            ]
        }
        let files: [JSON] = report.files.map { f in
            [
                "path": .string(f.path), "model": JSON(f.model.model), "dialect": JSON(f.model.dialect?.rawValue),
                "timed": .bool(f.model.timed), "cost": JSON(f.cost), "priced_as": JSON(f.pricedAs),
                "responses": .array(
                    rows(f).map { row in .object(zip(columns, row.map { JSON($0) }).map { ($0, $1) }) }),
                "samples": .array(
                    f.samples.map {
                        [
                            "metric": .string($0.metric), "value": .double($0.value), "line": .int($0.line),
                            "subject": .string($0.subject),
                        ]
                    }),
            ]
        }
        let object: JSON = [
            "files": .array(files),
            "aggregates": .array(
                report.groups.map { ["group": .string($0.name), "metrics": .array($0.summaries.map(summary))] }),
            "cost": [
                "total": .double(report.totalCost), "prices_date": .string(report.prices.date),
                "prices_source": .string(report.prices.source),
            ],
        ]
        return object.encoded(.init(pretty: true, sortedKeys: true, escapeSlashes: true)) + "\n"
    }
}
