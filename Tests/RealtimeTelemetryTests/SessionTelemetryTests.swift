import Foundation
import RealtimeRecording
import RealtimeValidation
import Testing

@testable import RealtimeSession
@testable import RealtimeTelemetry

/// The sans-I/O span and metric mapping, on the bundled recordings (synthesized samples whose
/// `wall` equals `created` + `t_us`) and on hand-made models.
@Suite struct SessionTelemetryTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func load(_ name: String) throws -> TelemetrySource {
        try TelemetrySource.load(root.appendingPathComponent("recordings/\(name)").path)
    }

    /// 2026-11-25T09:00:00Z in nanoseconds since the epoch (the samples' `created`).
    static let nine: UInt64 = 1_795_597_200 * 1_000_000_000

    @Test func wallClockParsesTheRecordingStamps() {
        #expect(WallClock.nanoseconds("1970-01-01T00:00:00Z") == 0)
        #expect(WallClock.nanoseconds("2026-11-25T09:00:00.000000Z") == Self.nine)
        #expect(WallClock.nanoseconds("2026-11-25T09:00:00.090000Z") == Self.nine + 90_000_000)
        #expect(WallClock.nanoseconds("2024-02-29T23:59:59.123456789+00:00") == 1_709_251_199_123_456_789)
        #expect(WallClock.nanoseconds("2026-13-01T00:00:00Z") == nil)
        #expect(WallClock.nanoseconds("yesterday") == nil)
    }

    @Test func functionCallTree() throws {
        let source = try Self.load("function-call.jsonl")
        let spans = SessionTelemetry.spans(source)
        #expect(spans.map(\.kind) == [.session, .response, .response, .toolCall])
        #expect(spans.map(\.parent) == [nil, 0, 0, 1])
        let root = spans[0]
        #expect(root.name == "realtime.session")
        #expect(root.startNanos == Self.nine)
        #expect(root.endNanos == Self.nine + 1_118_000_000)  // line 39, response.done
        #expect(root.attribute("gen_ai.provider.name") == .string("azure.ai.openai"))
        #expect(root.attribute("server.address") == .string("example-resource.openai.azure.com"))
        #expect(root.attribute("gen_ai.request.model") == .string("gpt-4o-realtime-preview"))
        #expect(root.attribute("gen_ai.conversation.id") == .string("sess_BETA01"))
        #expect(root.attribute("rtscope.dialect") == .string("beta"))
        let first = spans[1]
        #expect(first.attribute("gen_ai.response.id") == .string("resp_F001"))
        #expect(first.startNanos == Self.nine + 138_000_000)  // line 7, response.create
        #expect(first.endNanos == Self.nine + 395_000_000)  // line 19, response.done
        #expect(first.attribute("gen_ai.usage.input_tokens") == .int(3))
        #expect(first.attribute("rtscope.metric.response.total_ms") == .double(257))
        #expect(first.events.map(\.name) == ["rtscope.first_delta"])
        let tool = spans[3]
        #expect(tool.name == "execute_tool get_weather")
        #expect(tool.startNanos == Self.nine + 393_000_000)  // arguments.done
        #expect(tool.endNanos == Self.nine + 801_000_000)  // function_call_output
        #expect(tool.attribute("rtscope.metric.tool.time_ms") == .double(408))
        let second = spans[2]
        #expect(second.events.map(\.name) == ["rtscope.first_delta", "rtscope.first_text"])
        #expect(second.events[1].timeNanos == Self.nine + 1_002_000_000)
        #expect(second.events[1].attribute("rtscope.recording.line") == .int(27))
    }

    @Test func voiceTurnHoldsItsResponse() throws {
        let spans = SessionTelemetry.spans(try Self.load("audio-vad.jsonl"))
        #expect(spans.map(\.kind) == [.session, .turn, .response])
        #expect(spans.map(\.parent) == [nil, 0, 1])
        let turn = spans[1]
        #expect(turn.startNanos == Self.nine + 173_000_000)  // speech_started
        #expect(turn.endNanos == Self.nine + 1_120_000_000)  // response.done (the transcription completed before it)
        #expect(turn.attribute("rtscope.turn.item_id") == .string("item_U101"))
        #expect(spans[2].events.contains { $0.name == "rtscope.first_audio" })
        let latency = try #require(turn.attribute("rtscope.metric.turn_latency_ms"))
        let firstAudio = try #require(spans[2].events.first { $0.name == "rtscope.first_audio" })
        #expect(latency == .double(Double(firstAudio.timeNanos - (Self.nine + 773_000_000)) / 1_000_000))
        #expect(spans[2].attribute("rtscope.usage.input_audio_tokens") != nil)
    }

    @Test func errorsAndFindingsBecomeEventsWithoutTextByDefault() throws {
        let source = try Self.load("errors.jsonl")
        let spans = SessionTelemetry.spans(source)
        let errors = spans.flatMap { span in span.events.filter { $0.name == "rtscope.error" } }
        #expect(errors.count == 2)
        // Line 14 falls inside resp_E001 (lines 7-29); line 32 only inside the session.
        #expect(
            spans[1].events.contains {
                $0.name == "rtscope.error" && $0.attribute("rtscope.recording.line") == .int(14)
            })
        #expect(spans[1].isError)
        #expect(spans[0].events.contains { $0.attribute("error.type") == .string("input_audio_buffer_commit_empty") })
        #expect(errors.allSatisfy { $0.attribute("exception.message") == nil })
        let findings = spans.flatMap { span in span.events.filter { $0.name == "rtscope.finding" } }
        #expect(findings.count == source.findings.count)
        #expect(!findings.isEmpty)
        for (event, finding) in zip(
            findings.sorted { lineOf($0) < lineOf($1) }, source.findings.sorted { $0.line < $1.line })
        {
            #expect(event.attribute("rtscope.rule") == .string(finding.rule))
            #expect(event.attribute("rtscope.severity") == .string(finding.severity.rawValue))
            #expect(event.attribute("rtscope.finding.message") == nil)
        }
        let withText = SessionTelemetry.spans(source, options: .init(includeText: true))
        #expect(withText.flatMap(\.events).contains { $0.attribute("exception.message") != nil })
    }

    func lineOf(_ event: TelemetryEvent) -> Int64 {
        if case .int(let line) = event.attribute("rtscope.recording.line") { return line }
        return 0
    }

    @Test func traceIDIsDeterministicAndDistinct() throws {
        let a = SessionTelemetry.identity(try Self.load("function-call.jsonl"))
        let b = SessionTelemetry.identity(try Self.load("function-call.jsonl"))
        #expect(a == b)
        #expect(a.traceID.count == 32 && a.rootParentSpanID.count == 16)
        #expect(a.traceID.allSatisfy { $0.isHexDigit })
        let other = TraceIdentity(connection: "c0a1", session: "sess_OTHER", fallback: "")
        #expect(other.traceID != a.traceID)
        #expect(a == TraceIdentity(connection: "c0a1", session: "sess_BETA01", fallback: "ignored"))
        #expect(a.traceparent == "00-\(a.traceID)-\(a.rootParentSpanID)-01")
    }

    @Test func metricValuesEqualStats() throws {
        for name in ["function-call.jsonl", "audio-vad.jsonl", "errors.jsonl", "barge-in.jsonl"] {
            let source = try Self.load(name)
            let metrics = TelemetryMetrics(source)
            let stats = StatsReport.file(path: name, model: source.model, prices: .bundled)
            for info in MetricInfo.all {
                let expected = stats.samples.filter { $0.metric == info.id }.map(\.value)
                let got = metrics.histograms.first { $0.name == "rtscope.\(info.id)" }?.values ?? []
                #expect(got == expected, "\(name) \(info.id)")
            }
            let tokens = metrics.counters.filter { $0.name == "rtscope.tokens" }.map(\.value).reduce(0, +)
            #expect(tokens == Double(source.model.usage.inputTokens + source.model.usage.outputTokens))
            #expect(metrics.counters.first { $0.name == "rtscope.cost" }?.value == stats.cost)
            #expect(metrics.counters.filter { $0.name == "rtscope.sessions" }.map(\.value) == [1])
            let findings = metrics.counters.filter { $0.name == "rtscope.findings" }.map(\.value).reduce(0, +)
            #expect(findings == Double(source.findings.count))
        }
    }

    @Test func handMadeModelWithoutHeaderStillMaps() {
        // Hand-made: a model with one unanswered tool call and a response without done.
        var model = SessionModel()
        var response = Response(id: "resp_1", created: Moment(line: 3, tUs: 2_000))
        response.requested = Moment(line: 2, tUs: 1_000)
        model.responses = [response]
        model.toolCalls = [
            ToolCall(callID: "call_1", name: "lookup", responseID: "resp_1", argumentsDone: Moment(line: 4, tUs: 3_000))
        ]
        let source = TelemetrySource(
            path: "mem", model: model, frames: [Moment(line: 2, tUs: 1_000), Moment(line: 5, tUs: 9_000)])
        let spans = SessionTelemetry.spans(source)
        #expect(spans.map(\.parent) == [nil, 0, 1])
        #expect(spans[1].endNanos == 9_000_000)  // no response.done: ends at the last frame
        #expect(spans[2].attribute("rtscope.tool.answered") == .bool(false))
        #expect(spans[2].startNanos == spans[2].endNanos)
        #expect(spans[0].attribute("server.address") == nil)
    }
}
