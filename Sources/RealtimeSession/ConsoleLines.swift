import Foundation
import RealtimeProtocol

extension SessionModel {
    /// The recorder console's line for a finished response.
    ///
    /// For example `turn 3 resp_…: 742 ms from the user's stop to first audio, response 804 ms, $0.0040`.
    /// The latency named is the one the user felt: after a voice turn, speech stopped → first audio
    /// (`turn_latency`); after a client request, `response.create` → first audio, else first text.
    /// Parts whose events are missing are left out; nothing is printed as 0 for lack of data.
    /// Ids are escaped by the console, not here.
    public func turnLine(response k: Int, prices: PriceTable) -> String {
        let r = responses[k]
        var parts: [String] = []
        func ms(_ from: Moment?, _ to: Moment?) -> String? {
            guard timed, let from, let to else { return nil }
            return String(format: "%.0f ms", from.milliseconds(to: to))
        }
        if let t = r.turn, let latency = ms(turns[t].speechStopped, r.firstAudio) {
            parts.append("\(latency) from the user's stop to first audio")
        } else if let first = ms(r.requested, r.firstAudio) {
            parts.append("\(first) to first audio")
        } else if let first = ms(r.requested, r.firstText) {
            parts.append("\(first) to first text")
        }
        if let total = ms(r.requested, r.done) {
            parts.append("\(total) in all")
        } else if let took = ms(r.created, r.done) {
            parts.append("response \(took)")
        }
        for call in toolCalls where call.nextResponse == r.created {
            if let time = ms(call.argumentsDone, call.output) {
                parts.append("tool \(call.name ?? call.callID) \(time)")
            }
        }
        if let status = r.status, status != "completed" {
            parts.append(status + (r.reason.map { " (\($0))" } ?? ""))
        }
        if let usage = r.usage, let priced = model.flatMap({ prices.prices(for: $0) }) {
            parts.append(String(format: "$%.4f", PriceTable.cost(usage, priced.prices)))
        }
        let label = r.turn.map { "turn \($0 + 1)" } ?? "response \(k + 1)"
        return "\(label) \(r.id): " + (parts.isEmpty ? "done" : parts.joined(separator: ", "))
    }

    /// The session's aggregates for the recorder's exit summary, or nil when it had no response.
    public func summaryLine(prices: PriceTable) -> String? {
        guard !responses.isEmpty else { return nil }
        let samples = metricSamples()
        var parts = [Plural.count(responses.count, "response"), Plural.count(turns.count, "voice turn")]
        for metric in ["turn_latency", "response.first_audio", "response.first_text", "barge_in.yield", "tool.time"] {
            guard let s = MetricSummary(metric: metric, values: samples.filter { $0.metric == metric }.map(\.value))
            else { continue }
            parts.append(String(format: "%@ p50 %.0f p95 %.0f ms", metric, s.p50, s.p95))
        }
        if let priced = model.flatMap({ prices.prices(for: $0) }) {
            let cost = responses.compactMap(\.usage).reduce(0) { $0 + PriceTable.cost($1, priced.prices) }
            parts.append(String(format: "$%.4f", cost))
        }
        return parts.joined(separator: "; ")
    }
}
