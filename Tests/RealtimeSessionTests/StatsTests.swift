import Foundation
import RealtimeProtocol
import RealtimeRecording
import RealtimeSession
import RealtimeValidation
import Testing

struct StatsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The first-audio latency equals the OpenAI cookbook's definition on the same events.
    ///
    /// The cookbook's realtime evals measure it as the wall-clock time of the first
    /// `response.output_audio.delta` minus the time `response.create` was sent. Computed
    /// here from the frames' `wall` stamps (not the `t_us` clock rtscope uses), on a GA session whose
    /// text deltas are turned into audio deltas (a hand-made variant of the bundled sample).
    @Test func reproducesTheCookbookFirstAudioLatency() throws {
        let sample = try String(
            contentsOf: Self.root.appendingPathComponent("recordings/ga-text-session.jsonl"), encoding: .utf8)
        let variant = sample.replacingOccurrences(of: "response.output_text.delta", with: "response.output_audio.delta")
            .replacingOccurrences(of: "response.output_text.done", with: "response.output_audio.done")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-cookbook-\(UUID()).jsonl")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try variant.write(toFile: path, atomically: true, encoding: .utf8)

        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var sent: Date?
        var firstAudio: Date?
        for line in variant.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            guard let type = (object["event"] as? [String: Any])?["type"] as? String,
                let wall = object["wall"] as? String
            else { continue }
            let date = try #require(formatter.date(from: wall))
            if type == "response.create", sent == nil { sent = date }
            if type == "response.output_audio.delta", firstAudio == nil { firstAudio = date }
        }
        let cookbook = try #require(firstAudio).timeIntervalSince(try #require(sent)) * 1000
        let model = try SessionModel.load(path).model
        let ours = try #require(model.metricSamples().first { $0.metric == "response.first_audio" })
        #expect(abs(ours.value - cookbook) < 1, "rtscope \(ours.value) ms, cookbook \(cookbook) ms")
        #expect(model.metricSamples().first { $0.metric == "response.first_text" } == nil)
    }

    @Test func percentilesAreNearestRank() throws {
        let s = try #require(MetricSummary(metric: "m", values: (1...100).map(Double.init).reversed()))
        #expect((s.p50, s.p90, s.p95, s.p99, s.max, s.count) == (50, 90, 95, 99, 100, 100))
        let small = try #require(MetricSummary(metric: "m", values: [300, 100, 200]))
        #expect((small.p50, small.p95) == (200, 300))
        #expect(MetricSummary(metric: "m", values: []) == nil)
    }

    @Test func gatesParseUnitsAndStatistics() throws {
        let gate = try StatsGate.parse("turn_latency.p95=1.2s").get()
        #expect((gate.metric, gate.statistic, gate.limit) == ("turn_latency", "p95", 1200))
        let yield = try StatsGate.parse("barge_in.yield.p99=300ms").get()
        #expect((yield.metric, yield.statistic, yield.limit) == ("barge_in.yield", "p99", 300))
        let cost = try StatsGate.parse("cost.total=$0.50").get()
        #expect((cost.metric, cost.statistic, cost.limit) == ("cost.total", nil, 0.5))
        #expect((try? StatsGate.parse("latency.p95=1").get()) == nil)
        #expect((try? StatsGate.parse("turn_latency.p95=fast").get()) == nil)
    }

    @Test func costCountsCachedTokensAsPartOfInput() throws {
        var usage = Usage()
        usage.inputTextTokens = 1000
        usage.inputAudioTokens = 2000
        usage.cachedTokens = 500
        usage.cachedTextTokens = 500
        usage.outputTextTokens = 100
        usage.outputAudioTokens = 400
        let p = try #require(PriceTable.bundled.prices(for: "gpt-realtime-2025-08-28"))
        #expect(p.name == "gpt-realtime")
        // (500 × 4 + 500 × 0.4 + 2000 × 32 + 100 × 16 + 400 × 64) / 1e6
        #expect(abs(PriceTable.cost(usage, p.prices) - 0.0934) < 1e-9)
        #expect(PriceTable.bundled.prices(for: "some-other-model") == nil)
    }

    @Test func anUntimedImportHasNoLatencies() throws {
        let path = Self.root.appendingPathComponent("Tests/RealtimeRecordingTests/Fixtures/imports/events-array.json")
            .path
        let model = try SessionModel.load(path).model
        #expect(!model.timed)
        #expect(model.metricSamples().isEmpty)
    }
}

/// `SessionModel.read` (no rules, what `stats` uses) builds the model `SessionModel.load` (with the validator) builds.
struct ModelWithoutRulesTests {
    @Test func readingWithoutTheRulesBuildsTheSameModelOnEverySample() throws {
        let folder = StatsTests.root.appendingPathComponent("recordings").path
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".jsonl") }
            .sorted()
        #expect(names.count >= 5)
        var measured = 0
        for name in names {
            let path = "\(folder)/\(name)"
            let read = try SessionModel.read(path, keepsAudioChunks: false)
            let loaded = try SessionModel.load(path, keepsAudioChunks: false)
            #expect(read.model.metricSamples() == loaded.model.metricSamples(), "\(name)")
            #expect(read.model.dialect == loaded.model.dialect, "\(name)")
            #expect(read.model.model == loaded.model.model, "\(name)")
            #expect(read.model.responses.count == loaded.model.responses.count, "\(name)")
            #expect(read.model.turns.count == loaded.model.turns.count, "\(name)")
            #expect(read.model.clientEvents == loaded.model.clientEvents, "\(name)")
            #expect(read.model.serverEvents == loaded.model.serverEvents, "\(name)")
            #expect(read.summary.frames == loaded.report.frames, "\(name)")
            measured += read.model.metricSamples().count
        }
        #expect(measured > 20)
    }
}

struct ConsoleLineTests {
    static func model(_ name: String) throws -> SessionModel {
        try SessionModel.load(StatsTests.root.appendingPathComponent("recordings/\(name)").path).model
    }

    @Test func aVoiceTurnNamesTheUserPerceivedLatency() throws {
        let model = try Self.model("barge-in.jsonl")
        // Sample: speech_stopped at 773 ms, first audio delta at 963 ms; response 776 → 1312 ms, cancelled;
        // usage 7 text in, 6 text + 6 audio out at the preview's 5/40/20/80 $ per 1M = $0.000635.
        #expect(
            model.turnLine(response: 0, prices: .bundled)
                == "turn 1 resp_B001: 190 ms from the user's stop to first audio, response 536 ms, cancelled (turn_detected), $0.0006"
        )
    }

    @Test func aRequestedResponseNamesItsToolTime() throws {
        let model = try Self.model("function-call.jsonl")
        let line = model.turnLine(response: 1, prices: .bundled)
        #expect(line.hasPrefix("response 2 resp_F002: 198 ms to first text, 314 ms in all, tool get_weather 408 ms, $"))
        let summary = try #require(model.summaryLine(prices: .bundled))
        #expect(
            summary.hasPrefix(
                "2 responses; 0 voice turns; response.first_text p50 198 p95 198 ms; tool.time p50 408 p95 408 ms; $"))
    }
}
