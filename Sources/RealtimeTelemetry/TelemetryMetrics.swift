import RealtimeProtocol
import RealtimeRecording
public import RealtimeSession
import RealtimeValidation

/// The metric values one session contributes (sans-I/O).
///
/// Histogram samples for every millisecond
/// metric of `rtscope stats` (turn latency, first audio, tool time, …), and counters for tokens,
/// cost, findings by rule and sessions. The values are exactly the ones `rtscope stats` reports:
/// the samples come from `SessionModel.metricSamples()` and the cost from the same price table.
public struct TelemetryMetrics: Sendable, Equatable {
    /// Histogram name (`rtscope.turn_latency`), unit `ms`, and its samples in recording order.
    public var histograms: [Histogram] = []
    /// Counter increments: name, attributes, value.
    public var counters: [Counter] = []

    public struct Histogram: Sendable, Equatable {
        public let name: String
        public let unit: String
        public let description: String
        public var values: [Double]
    }

    public struct Counter: Sendable, Equatable {
        public let name: String
        public let unit: String
        public let attributes: [TelemetryAttribute]
        public let value: Double
    }

    /// The histogram name of a `MetricInfo` id.
    public static func histogramName(_ metric: String) -> String { "rtscope.\(metric)" }

    public init(_ source: TelemetrySource, prices: PriceTable = .bundled) {
        let samples = source.model.metricSamples()
        for info in MetricInfo.all {
            let values = samples.filter { $0.metric == info.id }.map(\.value)
            guard !values.isEmpty else { continue }
            let unit = info.unit == .milliseconds ? "ms" : info.unit == .perSecond ? "1/s" : "1"
            histograms.append(
                Histogram(name: Self.histogramName(info.id), unit: unit, description: info.summary, values: values))
        }
        let provider = SessionTelemetry.provider(source)
        let model = source.model.model ?? "unknown"
        let dims: [TelemetryAttribute] = [
            .init("gen_ai.provider.name", .string(provider)), .init("gen_ai.request.model", .string(model)),
        ]
        counters.append(Counter(name: "rtscope.sessions", unit: "{session}", attributes: dims, value: 1))
        let usage = source.model.usage
        for (type, value) in [("input", usage.inputTokens), ("output", usage.outputTokens)] where value > 0 {
            counters.append(
                Counter(
                    name: "rtscope.tokens", unit: "{token}",
                    attributes: dims + [.init("gen_ai.token.type", .string(type))], value: Double(value)))
        }
        let audio = [("input", usage.inputAudioTokens), ("output", usage.outputAudioTokens)]
        for (type, value) in audio where value > 0 {
            counters.append(
                Counter(
                    name: "rtscope.tokens.audio", unit: "{token}",
                    attributes: dims + [.init("gen_ai.token.type", .string(type))], value: Double(value)))
        }
        if let cost = Self.cost(source.model, prices: prices) {
            counters.append(Counter(name: "rtscope.cost", unit: "USD", attributes: dims, value: cost))
        }
        var byRule: [String: (severity: String, count: Int)] = [:]
        var order: [String] = []
        for finding in source.findings {
            if byRule[finding.rule] == nil { order.append(finding.rule) }
            byRule[finding.rule, default: (finding.severity.rawValue, 0)].count += 1
        }
        for rule in order {
            guard let entry = byRule[rule] else { continue }
            counters.append(
                Counter(
                    name: "rtscope.findings", unit: "{finding}",
                    attributes: [
                        .init("rtscope.rule", .string(rule)), .init("rtscope.severity", .string(entry.severity)),
                    ],
                    value: Double(entry.count)))
        }
    }

    /// The session's cost in US dollars as `rtscope stats` computes it; nil for a model without a price.
    public static func cost(_ model: SessionModel, prices: PriceTable) -> Double? {
        StatsReport.file(path: "", model: model, prices: prices).cost
    }
}
