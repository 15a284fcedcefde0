import Foundation
import RealtimeRecording
import RealtimeSession
import Testing

@testable import TimelineModel

/// `r` with the stats pane open visits the selected response's metric events in turn.
struct StatsPaneVisitTests {
    @Test func rVisitsEachMetricEventOfTheSelectedResponseThenCycles() throws {
        // Line 54 of the bundled barge-in sample is resp_B002's response.created.
        var m = try model("barge-in.jsonl", keys: "s:54<enter>")
        let index = m.source.index
        func line() -> Int? { m.rows[m.state.cursor].folded.first.map { Int(index.entries[$0].line) } }
        #expect(line() == 54)
        let session = m.source.sessionModel
        let response = try #require(session.response("resp_B002"))
        let turnItem = response.turn.map { session.turns[$0].itemID ?? "turn" }
        let expected = session.metricSamples().filter {
            $0.subject == "resp_B002" || ($0.subject == turnItem && $0.metric.hasPrefix("turn"))
        }
        #expect(expected.count >= 3)
        var visited: [Int] = []
        for k in 0..<expected.count {
            m.press(.char("r"))
            let message = try #require(m.state.message)
            #expect(message.contains("(\(k + 1) of \(expected.count))"), "\(message)")
            let here = try #require(m.rows[m.state.cursor].folded.map { Int(index.entries[$0].line) }.first)
            let ends = m.rows[m.state.cursor].folded.map { Int(index.entries[$0].line) }
            let sample = try #require(expected.first { message.hasPrefix($0.metric + " ") })
            #expect(ends.contains(sample.line), "the cursor's row holds line \(sample.line)")
            visited.append(here)
        }
        #expect(Set(expected.map(\.line)).count > 1, "the metrics end on different events")
        m.press(.char("r"))
        #expect(m.state.message?.contains("(1 of \(expected.count))") == true, "it cycles")
        // Without the stats pane, r is the related event as before.
        m.press(.char("s"))
        m.press(.char("r"))
        #expect(m.state.message?.contains("related") == true || m.state.message == "no related event")
    }
}
