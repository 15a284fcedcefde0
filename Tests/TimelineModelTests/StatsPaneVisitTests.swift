import Foundation
import RealtimeRecording
import RealtimeSession
import Testing

@testable import TimelineModel

/// `r` (forward) and `R` (backward) with the stats pane open visit the selected response's metric events in
/// turn: each metric's start event, then its end event.
struct StatsPaneVisitTests {
    /// The cursor row's JSONL lines.
    static func lines(_ m: TimelineModel) -> [Int] {
        m.rows[m.state.cursor].folded.map { Int(m.source.index.entries[$0].line) }
    }

    /// The JSONL line numbers of the bundled sample's events of `type` (read from the raw text, not through rtscope).
    static func rawLines(_ name: String, type: String) throws -> [Int] {
        let text = try String(contentsOfFile: Paths.sample(name), encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap {
            $0.element.contains("\"type\":\"\(type)\"") ? $0.offset + 1 : nil
        }
    }

    @Test func rVisitsEachMetricsStartAndEndEventOfTheSelectedResponseThenCycles() throws {
        // Line 54 of the bundled barge-in sample is resp_B002's response.created.
        var m = try model("barge-in.jsonl", keys: "s:54<enter>")
        #expect(Self.lines(m) == [54])
        let session = m.source.sessionModel
        let response = try #require(session.response("resp_B002"))
        let turnItem = response.turn.map { session.turns[$0].itemID ?? "turn" }
        let expected = session.metricSamples().filter {
            $0.subject == "resp_B002" || ($0.subject == turnItem && $0.metric.hasPrefix("turn"))
        }
        #expect(expected.count >= 3)
        let stops = expected.count + expected.filter { $0.startLine != nil && $0.startLine != $0.line }.count
        #expect(stops > expected.count, "some metrics start on another event than they end")
        var visited: [Int] = []
        var ends = 0
        for k in 0..<stops {
            m.press(.char("r"))
            let message = try #require(m.state.message)
            #expect(message.contains("(\(k + 1) of \(stops))"), "\(message)")
            let sample = try #require(expected.first { message.hasPrefix($0.metric + " ") })
            let here = Self.lines(m)
            if message.contains(" ends at line ") {
                ends += 1
                #expect(here.contains(sample.line), "the cursor's row holds line \(sample.line)")
            } else {
                #expect(message.contains(" starts at line "), "\(message)")
                #expect(here.contains(try #require(sample.startLine)))
            }
            visited += here
        }
        #expect(ends == expected.count, "every metric's end is visited once")
        // The turn's speech_stopped (the raw file's last one before line 54) starts turn_latency, turn.commit and
        // turn.transcription and ends none of them: only its start makes r reach it.
        let stops54 = try Self.rawLines("barge-in.jsonl", type: "input_audio_buffer.speech_stopped")
        let stopped = try #require(stops54.last { $0 < 54 })
        #expect(visited.contains(stopped), "r reaches the speech_stopped line \(stopped)")
        #expect(!expected.contains { $0.line == stopped })
        m.press(.char("r"))
        #expect(m.state.message?.contains("(1 of \(stops))") == true, "it cycles")
        // Without the stats pane, r is the related event as before.
        m.press(.char("s"))
        m.press(.char("r"))
        #expect(m.state.message?.contains("related") == true || m.state.message == "no related event")
    }

    @Test func rReachesTheClientResponseCreateThatStartsTheTimesToFirstOutput() throws {
        // The bundled function-call sample: the client's response.create (raw line 7) answered by resp_F001.
        let creates = try Self.rawLines("function-call.jsonl", type: "response.create")
        let create = try #require(creates.first)
        let created = try #require(try Self.rawLines("function-call.jsonl", type: "response.created").first)
        var m = try model("function-call.jsonl", keys: "s:\(created)<enter>")
        var messages: [String] = []
        var reached = false
        for _ in 0..<12 {
            m.press(.char("r"))
            let message = try #require(m.state.message)
            messages.append(message)
            if Self.lines(m).contains(create) {
                reached = true
                #expect(message.contains("starts at line \(create)"), "\(message)")
            }
        }
        #expect(reached, "r reaches the response.create at line \(create): \(messages)")
        #expect(messages.contains { $0.hasPrefix("response.created ") && $0.contains("starts at line \(create)") })
        #expect(messages.contains { $0.hasPrefix("response.created ") && $0.contains("ends at line \(created)") })
    }

    @Test func capitalRVisitsTheSameEventsBackwards() throws {
        var forward = try model("barge-in.jsonl", keys: "s:54<enter>")
        var backward = forward
        var there: [[Int]] = []
        var messages: [String] = []
        repeat {
            forward.press(.char("r"))
            there.append(Self.lines(forward))
            messages.append(forward.state.message ?? "")
        } while messages.count < 2 || messages.last != messages.first && messages.count < 40
        let stops = messages.count - 1
        #expect(stops > 2)
        var back: [[Int]] = []
        for _ in 0..<stops {
            backward.press(.char("R"))
            back.append(Self.lines(backward))
        }
        #expect(backward.state.message?.contains("(1 of \(stops))") == true, "\(backward.state.message ?? "")")
        #expect(back == Array(there.prefix(stops).reversed()), "R visits r's events in reverse order")
        // Turning round: r after R goes forward again from where R left off.
        backward.press(.char("R"))
        #expect(backward.state.message?.contains("(\(stops) of \(stops))") == true)
        backward.press(.char("r"))
        #expect(backward.state.message?.contains("(1 of \(stops))") == true)
        // Without the stats pane, R is the related event, as r.
        backward.press(.char("s"))
        backward.press(.char("R"))
        #expect(backward.state.message?.contains("related") == true || backward.state.message == "no related event")
    }
}
