import Foundation
import RealtimeProtocol
import RealtimeRecording
import RealtimeSession

extension TimelineModel {
    /// The stats pane (`s`): the selected event's response with its metrics, then the session's
    /// counts, every metric's count, p50, p95 and max, and the cost.
    ///
    /// Reads `TimelineSource.sessionModel`, built in the same pass as the index and the findings (memory only, no
    /// event is read); metrics follow docs/metrics.md. Missing values show as "-", a log without timestamps says
    /// so instead of showing latencies.
    func statsLines() -> [TimelineFrame.StyledLine] {
        let session = source.sessionModel
        let samples = session.metricSamples()
        var lines: [TimelineFrame.StyledLine] = []
        func add(_ text: String, _ style: CellStyle) {
            lines.append(TimelineFrame.StyledLine(text: text, style: style))
        }
        if let (id, response, ordered) = selectedResponseMetrics(session, samples) {
            let parts = ordered.map { "\($0.metric) \(Self.format($0))" }
            add(
                "response \(id): \(response.status ?? "open")"
                    + (ordered.isEmpty ? "" : "  (r/R: each metric's start and end events)"), .plain)
            add("  " + (parts.isEmpty ? "no timings for it" : parts.joined(separator: " · ")), .plain)
        }
        let cost = session.model.flatMap { PriceTable.bundled.prices(for: $0) }.map { priced in
            session.responses.compactMap(\.usage).reduce(0) { $0 + PriceTable.cost($1, priced.prices) }
        }
        add(
            "\(Plural.count(session.responses.count, "response")) · \(Plural.count(session.turns.count, "voice turn")) · "
                + "\(Plural.count(session.toolCalls.count, "tool call")) · \(Plural.count(session.bargeIns.count, "barge-in")) · "
                + "tokens \(session.usage.inputTokens) in, \(session.usage.outputTokens) out · cost "
                + (cost.map { String(format: "$%.4f", $0) } ?? "- (no price for the model)"), .plain)
        if !session.timed { add("no timing in source: latencies unavailable", .dim) }
        if !samples.isEmpty { add("metric                       count      p50      p95      max", .dim) }
        for info in MetricInfo.all {
            guard let s = MetricSummary(metric: info.id, values: samples.filter { $0.metric == info.id }.map(\.value))
            else { continue }
            let name = info.id + String(repeating: " ", count: max(0, 27 - info.id.count))
            let cells = [s.p50, s.p95, s.max].map { String(format: "%8.1f", $0) }.joined(separator: " ")
            add("\(name) \(String(format: "%6d", s.count)) \(cells) \(info.unit.rawValue)", .plain)
        }
        return lines
    }

    /// The selected event's response and its metric samples, the turn latency and the times to
    /// first output first (what the user felt first).
    ///
    /// Right after `r` moved to a metric's event, the response is the one being visited (the event
    /// may belong to none, like a turn's `speech_stopped`).
    func selectedResponseMetrics(
        _ session: SessionModel, _ samples: [MetricSample]
    ) -> (String, Response, [MetricSample])? {
        let visiting = state.metricVisit.flatMap { $0.row == state.cursor ? $0.response : nil }
        guard
            let id = visiting
                ?? currentEntry.flatMap({ source.index.string(source.index.entries[$0].responseID) }),
            let response = session.response(id)
        else { return nil }
        let turnItem = response.turn.map { session.turns[$0].itemID ?? "turn" }
        let mine = samples.filter { $0.subject == id || ($0.subject == turnItem && $0.metric.hasPrefix("turn")) }
        let first = ["turn_latency", "response.first_audio", "response.first_text", "response.total"]
        let ordered = mine.sorted {
            (first.firstIndex(of: $0.metric) ?? 99) < (first.firstIndex(of: $1.metric) ?? 99)
        }
        return (id, response, ordered)
    }

    /// One place `r`/`R` visit with the stats pane open: the event where a metric starts or where it ends.
    struct MetricStop: Equatable {
        let sample: MetricSample
        let line: Int
        let isStart: Bool
    }

    /// Each metric's start event (when it is a single event other than its end), then its end event, in the order
    /// the pane lists the metrics.
    static func metricStops(_ ordered: [MetricSample]) -> [MetricStop] {
        ordered.flatMap { sample in
            var stops: [MetricStop] = []
            if let start = sample.startLine, start != sample.line {
                stops.append(MetricStop(sample: sample, line: start, isStart: true))
            }
            stops.append(MetricStop(sample: sample, line: sample.line, isStart: false))
            return stops
        }
    }

    /// `r` (`forward`) or `R` with the stats pane open: moves to the next (previous) metric event.
    ///
    /// The selected response's metric events are each metric's start then its end (`metricStops`), visited in
    /// turn, cycling; false when there is none, so the key falls back to the related event. Stops whose event the
    /// filter hides are skipped.
    mutating func visitMetricEvent(forward: Bool = true) -> Bool {
        let session = source.sessionModel
        guard let (id, _, ordered) = selectedResponseMetrics(session, session.metricSamples()) else { return false }
        let stops = Self.metricStops(ordered)
        guard !stops.isEmpty else { return false }
        let n = stops.count
        let index = source.index
        var k = state.metricVisit.flatMap { $0.response == id ? $0.current : nil } ?? (forward ? -1 : n)
        for _ in 0..<n {
            k = ((forward ? k + 1 : k - 1) % n + n) % n
            let stop = stops[k]
            guard
                let row = rows.firstIndex(where: { $0.folded.contains { Int(index.entries[$0].line) == stop.line } })
            else { continue }
            move(to: row)
            // The target may be an event of another response (a turn's speech_stopped): keep visiting this one's.
            state.metricVisit = MetricVisit(response: id, current: k, row: row)
            state.message =
                "\(stop.sample.metric) \(Self.format(stop.sample)) \(stop.isStart ? "starts" : "ends") at line "
                + "\(stop.line) (\(k + 1) of \(n))"
            return true
        }
        return false
    }

    private static func format(_ sample: MetricSample) -> String {
        let unit = MetricInfo.info(sample.metric)?.unit ?? .milliseconds
        return unit == .milliseconds
            ? String(format: "%.0f ms", sample.value) : String(format: "%.1f%@", sample.value, unit.rawValue)
    }
}
