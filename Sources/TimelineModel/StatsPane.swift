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
                    + (ordered.isEmpty ? "" : "  (r: visit each metric's event)"), .plain)
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

    /// `r` with the stats pane open: moves to the event where the selected response's next metric
    /// ends (its line in `MetricSample`), cycling through them; false when there is none, so `r`
    /// falls back to the related event.
    mutating func visitMetricEvent() -> Bool {
        let session = source.sessionModel
        guard let (id, _, ordered) = selectedResponseMetrics(session, session.metricSamples()), !ordered.isEmpty
        else { return false }
        let k = state.metricVisit?.response == id ? (state.metricVisit?.next ?? 0) % ordered.count : 0
        let sample = ordered[k]
        let index = source.index
        guard let row = rows.firstIndex(where: { $0.folded.contains { Int(index.entries[$0].line) == sample.line } })
        else { return false }
        move(to: row)
        // The target may be an event of another response (a turn's speech_stopped): keep visiting this one's.
        state.metricVisit = MetricVisit(response: id, next: k + 1, row: row)
        state.message =
            "\(sample.metric) \(Self.format(sample)) ends at line \(sample.line) (\(k + 1) of \(ordered.count))"
        return true
    }

    private static func format(_ sample: MetricSample) -> String {
        let unit = MetricInfo.info(sample.metric)?.unit ?? .milliseconds
        return unit == .milliseconds
            ? String(format: "%.0f ms", sample.value) : String(format: "%.1f%@", sample.value, unit.rawValue)
    }
}
