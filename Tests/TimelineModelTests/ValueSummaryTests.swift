import Foundation
import RealtimeProtocol
import RealtimeRecording
import Testing

@testable import TimelineModel

/// The timeline's summaries read tape values; `cat` and the reports summarize the `JSON` tree (and before, the
/// timeline summarized Foundation objects the same way): every event of every sample, and a few hand-made ones with
/// unusual values, summarize the same both ways.
struct ValueSummaryTests {
    static func same(_ event: String, _ comment: Comment? = nil) throws {
        let tree = try JSON(parsing: event)
        let value = try #require(JSONTape.parse(Array(event.utf8)), comment)
        let spec = tree.string(at: "type").flatMap { EventCatalog.standard.spec(for: $0) }
        for escaped in [false, true] {
            #expect(
                ValueSummary.summarize(value, spec: spec, maxText: 200, escaped: escaped)
                    == EventSummary.summarize(tree, spec: spec, maxText: 200, escaped: escaped), comment)
        }
    }

    @Test(arguments: [
        "text-in-text-out.jsonl", "audio-vad.jsonl", "barge-in.jsonl", "function-call.jsonl", "errors.jsonl",
        "ga-text-session.jsonl",
    ])
    func everySampleEventSummarizesAsBefore(_ name: String) throws {
        let text = try String(contentsOfFile: Paths.sample(name), encoding: .utf8)
        for (k, line) in text.split(separator: "\n").enumerated() {
            // The event's own text, as recorded (key order and number spelling kept).
            guard let event = JSONTape.parse(Array(line.utf8))?["event"], event.isObject else { continue }
            try Self.same(event.rawText, "\(name):\(k + 1)")
        }
    }

    /// Hand-made: unknown types with numbers, booleans, nulls, arrays and escapes.
    @Test func unusualValuesSummarizeAsBefore() throws {
        try Self.same(#"{"type":"x.unknown","b":true,"a":1.5,"c":null,"d":"tab\there","e":[1,2],"f":1e3}"#)
        try Self.same(#"{"type":"x.unknown","n":-0.25,"big":12345678901234567890,"s":"\u00e9\u0007"}"#)
        try Self.same(#"{"type":"error","error":{"type":"invalid_request_error","code":"x","message":"m\"q"}}"#)
        try Self.same(#"{"type":"session.update","session":{"temperature":0.8,"modalities":["text","audio"]}}"#)
    }
}
