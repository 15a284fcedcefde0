import Foundation
public import RealtimeProtocol

/// The numbers `rtscope stats` reports for a set of recordings, and the CI gates on them.
///
/// Pure: built from loaded session models, rendered to text, JSON, CSV or Markdown by
/// `StatsRenderer`. Every duration comes from `SessionModel.metricSamples()`; a file without
/// timestamps contributes no latency sample and is listed as untimed (unavailable, never 0).
public struct StatsReport: Sendable {
    public struct File: Sendable {
        public let path: String
        public let model: SessionModel
        public let samples: [MetricSample]
        /// Cost in US dollars, nil when the model has no price.
        public let cost: Double?
        /// The price-table entry used, or nil.
        public let pricedAs: String?
    }

    public let files: [File]
    public let prices: PriceTable
    /// Aggregates per group (`--by`), in group order; the single group "all" when not grouped.
    public let groups: [(name: String, summaries: [MetricSummary])]

    public init(files: [File], prices: PriceTable, by grouping: Grouping = .none) {
        self.files = files
        self.prices = prices
        var order: [String] = []
        var members: [String: [File]] = [:]
        for file in files {
            let key: String
            switch grouping {
            case .none: key = "all"
            case .file: key = file.path
            case .model: key = file.model.model ?? "unknown model"
            case .dialect: key = file.model.dialect?.rawValue ?? "unknown dialect"
            }
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(file)
        }
        groups = order.map { key in
            let samples = (members[key] ?? []).flatMap(\.samples)
            return (
                key,
                MetricInfo.all.compactMap { m in
                    MetricSummary(metric: m.id, values: samples.filter { $0.metric == m.id }.map(\.value))
                }
            )
        }
    }

    public enum Grouping: String, Sendable, CaseIterable { case none, model, dialect, file }

    /// Loads the report's file entry for one model, pricing it with `prices`.
    public static func file(path: String, model: SessionModel, prices: PriceTable) -> File {
        let priced = model.model.flatMap { prices.prices(for: $0) }
        let cost = priced.map { p in
            model.responses.compactMap(\.usage).reduce(0) { $0 + PriceTable.cost($1, p.prices) }
        }
        return File(path: path, model: model, samples: model.metricSamples(), cost: cost, pricedAs: priced?.name)
    }

    /// All samples across files, with their file.
    public var allSamples: [(path: String, sample: MetricSample)] {
        files.flatMap { f in f.samples.map { (f.path, $0) } }
    }

    /// The summaries over every file.
    public var overall: [MetricSummary] {
        let samples = files.flatMap(\.samples)
        return MetricInfo.all.compactMap { m in
            MetricSummary(metric: m.id, values: samples.filter { $0.metric == m.id }.map(\.value))
        }
    }

    /// Total cost over the files that have a price.
    public var totalCost: Double { files.compactMap(\.cost).reduce(0, +) }

    /// Total usage over every file.
    public var totalUsage: Usage { files.map(\.model.usage).reduce(Usage(), +) }

    /// The metric whose worst values are listed: the user-perceived turn latency when there are
    /// voice turns, else time to first output.
    public var headlineMetric: String {
        files.contains { f in f.samples.contains { $0.metric == "turn_latency" } }
            ? "turn_latency" : "response.first_delta"
    }

    /// The `count` worst samples of the headline metric, worst first.
    public func worst(_ count: Int = 5) -> [(path: String, sample: MetricSample)] {
        let metric = headlineMetric
        return Array(
            allSamples.filter { $0.sample.metric == metric }.sorted { $0.sample.value > $1.sample.value }.prefix(count))
    }
}

/// A CI gate: `turn_latency.p95=1200ms`, `barge_in.yield.p95=300ms`, `cost.total=0.50`.
public struct StatsGate: Sendable, Hashable, CustomStringConvertible {
    public let metric: String
    /// `p50` … `max`, `mean`, `count`; nil for `cost.total` and `tokens.total`.
    public let statistic: String?
    public let limit: Double
    public let text: String

    public var description: String { text }

    /// Parses `METRIC[.STAT]=VALUE[ms|s|$]`; nil with a reason when it cannot.
    public static func parse(_ text: String) -> Result<StatsGate, StatsGateError> {
        guard let eq = text.lastIndex(of: "=") else { return .failure(.init(text, "expected METRIC.STAT=VALUE")) }
        var name = String(text[..<eq])
        var value = String(text[text.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
        var scale = 1.0
        if value.hasSuffix("ms") {
            value.removeLast(2)
        } else if value.hasSuffix("s") {
            value.removeLast()
            scale = 1000
        } else if value.hasPrefix("$") {
            value.removeFirst()
        }
        guard let number = Double(value) else { return .failure(.init(text, "'\(value)' is not a number")) }
        if ["cost.total", "tokens.total"].contains(name) {
            return .success(StatsGate(metric: name, statistic: nil, limit: number, text: text))
        }
        let statistics = ["p50", "p90", "p95", "p99", "max", "mean", "avg", "count"]
        var statistic = "p95"
        if let dot = name.lastIndex(of: "."), statistics.contains(String(name[name.index(after: dot)...])) {
            statistic = String(name[name.index(after: dot)...])
            name = String(name[..<dot])
        }
        guard MetricInfo.info(name) != nil else {
            return .failure(.init(text, "unknown metric '\(name)'; `rtscope stats --list-metrics` lists them"))
        }
        return .success(StatsGate(metric: name, statistic: statistic, limit: number * scale, text: text))
    }

    /// The measured value this gate compares, or nil when the metric has no samples.
    public func measured(in report: StatsReport) -> Double? {
        switch metric {
        case "cost.total": return report.totalCost
        case "tokens.total": return Double(report.totalUsage.inputTokens + report.totalUsage.outputTokens)
        default:
            return report.overall.first { $0.metric == metric }.flatMap { s in statistic.flatMap { s.value($0) } }
        }
    }
}

public struct StatsGateError: Error, CustomStringConvertible {
    public let description: String
    init(_ gate: String, _ reason: String) { description = "--max \(gate): \(reason)." }
}
