import Foundation
import RealtimeProtocol
import RealtimeRecording
import RealtimeSession
import RealtimeValidation
import Testing

/// The raw frames of a sample, read with Foundation (not through rtscope's reader or model), so
/// the expected values below are computed independently of `SessionModelBuilder`.
struct RawFrames {
    struct Frame {
        let line: Int
        let tUs: Int64
        let client: Bool
        let event: [String: Any]
        var type: String { event["type"] as? String ?? "" }
        func string(_ path: String) -> String? {
            var value: Any? = event
            for key in path.split(separator: ".") { value = (value as? [String: Any])?[String(key)] }
            return value as? String
        }
    }

    let frames: [Frame]

    init(_ name: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("recordings/\(name)"), encoding: .utf8)
        var frames: [Frame] = []
        for (k, line) in text.split(separator: "\n").enumerated() {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let event = object["event"] as? [String: Any], let t = object["t_us"] as? Int
            else { continue }
            frames.append(Frame(line: k + 1, tUs: Int64(t), client: object["dir"] as? String == "c2s", event: event))
        }
        self.frames = frames
    }

    func first(after line: Int = 0, where match: (Frame) -> Bool) -> Frame? {
        frames.first { $0.line > line && match($0) }
    }
}

struct SessionModelTests {
    static let samples = [
        "audio-vad.jsonl", "barge-in.jsonl", "errors.jsonl", "function-call.jsonl", "ga-text-session.jsonl",
        "text-in-text-out.jsonl",
    ]

    static func model(_ name: String) throws -> SessionModel {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return try SessionModel.load(root.appendingPathComponent("recordings/\(name)").path).model
    }

    @Test(arguments: samples)
    func responsesMatchTheRawFrames(sample: String) throws {
        let raw = try RawFrames(sample)
        let model = try Self.model(sample)
        let created = raw.frames.filter { $0.type == "response.created" }
        #expect(model.responses.map(\.id) == created.map { $0.string("response.id") ?? "" })
        let creates = raw.frames.filter { $0.client && $0.type == "response.create" }
        for (k, response) in model.responses.enumerated() {
            let id = response.id
            #expect(response.created.line == created[k].line)
            let done = raw.first { $0.type == "response.done" && $0.string("response.id") == id }
            #expect(response.done?.line == done?.line)
            #expect(response.status == done?.string("response.status"))
            let audio = raw.first {
                ["response.audio.delta", "response.output_audio.delta"].contains($0.type)
                    && $0.string("response_id") == id
            }
            #expect(response.firstAudio?.line == audio?.line)
            let text = raw.first {
                ["response.text.delta", "response.output_text.delta"].contains($0.type)
                    && $0.string("response_id") == id
            }
            #expect(response.firstText?.line == text?.line)
            // The k-th response.create asked for the k-th response (client requests, first in first out),
            // when every response was requested by the client.
            if creates.count == created.count { #expect(response.requested?.line == creates[k].line) }
        }
    }

    @Test(arguments: samples)
    func voiceTurnsMatchTheRawFrames(sample: String) throws {
        let raw = try RawFrames(sample)
        let model = try Self.model(sample)
        let started = raw.frames.filter { $0.type == "input_audio_buffer.speech_started" }
        #expect(model.turns.filter { $0.speechStarted != nil }.count == started.count)
        for start in started {
            let item = start.string("item_id")
            let turn = try #require(model.turns.first { $0.itemID == item })
            #expect(turn.speechStarted?.tUs == start.tUs)
            let stopped = raw.first { $0.type == "input_audio_buffer.speech_stopped" && $0.string("item_id") == item }
            #expect(turn.speechStopped?.line == stopped?.line)
            let committed = raw.first { $0.type == "input_audio_buffer.committed" && $0.string("item_id") == item }
            #expect(turn.committed?.line == committed?.line)
            let answer = committed.flatMap { c in raw.first(after: c.line) { $0.type == "response.created" } }
            #expect(turn.responseID == answer?.string("response.id"))
            // Input audio appended before the commit (and after the previous one) belongs to the item.
            let previous =
                raw.frames.last { $0.type == "input_audio_buffer.committed" && $0.line < (committed?.line ?? 0) }?.line
                ?? 0
            let appends = raw.frames.filter {
                $0.type == "input_audio_buffer.append" && $0.line > previous && $0.line < (committed?.line ?? 0)
            }
            #expect(
                model.audio.filter { $0.source == .input && $0.itemID == item }.map(\.at.line) == appends.map(\.line))
        }
    }

    @Test func toolCallsAndTheirAnswers() throws {
        let raw = try RawFrames("function-call.jsonl")
        let model = try Self.model("function-call.jsonl")
        let done = try #require(raw.first { $0.type == "response.function_call_arguments.done" })
        let call = try #require(model.toolCalls.first)
        #expect(model.toolCalls.count == 1)
        #expect(call.callID == done.string("call_id"))
        #expect(call.name == "get_weather")
        #expect(call.argumentsDone?.line == done.line)
        let output = raw.first { $0.client && $0.string("item.type") == "function_call_output" }
        #expect(call.output?.line == output?.line)
        let next = raw.first(after: output?.line ?? 0) { $0.type == "response.created" }
        #expect(call.nextResponse?.line == next?.line)
    }

    @Test func aBargeInAndWhenTheAssistantYielded() throws {
        let raw = try RawFrames("barge-in.jsonl")
        let model = try Self.model("barge-in.jsonl")
        #expect(model.bargeIns.count == 1)
        let barge = try #require(model.bargeIns.first)
        let second = raw.frames.filter { $0.type == "input_audio_buffer.speech_started" }[1]
        #expect(barge.speechStarted.line == second.line)
        let first = try #require(raw.first { $0.type == "response.created" })
        #expect(barge.responseID == first.string("response.id"))
        let truncate = try #require(raw.first { $0.client && $0.type == "conversation.item.truncate" })
        #expect(barge.truncate?.line == truncate.line)
        #expect(barge.audioEndMs == truncate.event["audio_end_ms"] as? Int)
        // The server cancelled the answer right after the speech started: its response.done is the yield.
        let cancelled = raw.first(after: second.line) { $0.type == "response.done" }
        #expect(barge.yielded?.line == cancelled?.line)
        #expect(cancelled?.string("response.status") == "cancelled")

        // Talk-over: from the speech to the first of the yield, the user's stop and the end of the
        // interrupted answer's audio played from its first chunk (computed from the raw frames).
        let stop = try #require(raw.first(after: second.line) { $0.type == "input_audio_buffer.speech_stopped" })
        let deltas = raw.frames.filter {
            $0.type == "response.audio.delta" && $0.string("response_id") == first.string("response.id")
        }
        let bytes = deltas.reduce(0) { $0 + (Data(base64Encoded: $1.string("delta") ?? "")?.count ?? 0) }
        let audioEnd = Double(try #require(deltas.first).tUs) + Double(bytes) / 48 * 1000
        let end = min(Double(try #require(cancelled).tUs), Double(truncate.tUs), Double(stop.tUs), audioEnd)
        let talkOver = try #require(model.metricSamples().first { $0.metric == "barge_in.talk_over" })
        #expect(talkOver.value == (end - Double(second.tUs)) / 1000)
    }

    @Test(arguments: samples)
    func usageIsTheSumOfEveryResponseDone(sample: String) throws {
        let raw = try RawFrames(sample)
        let model = try Self.model(sample)
        var input = 0
        var output = 0
        for frame in raw.frames where frame.type == "response.done" {
            let usage = (frame.event["response"] as? [String: Any])?["usage"] as? [String: Any]
            input += usage?["input_tokens"] as? Int ?? 0
            output += usage?["output_tokens"] as? Int ?? 0
        }
        #expect(model.usage.inputTokens == input)
        #expect(model.usage.outputTokens == output)
    }

    @Test func dialectFormatsAndModel() throws {
        let ga = try Self.model("ga-text-session.jsonl")
        #expect(ga.dialect == .ga)
        #expect(ga.model == "gpt-realtime")
        let vad = try Self.model("audio-vad.jsonl")
        #expect(vad.dialect == .beta)
        #expect(vad.formatChanges.first?.output == "pcm16")
        #expect(vad.timed)
    }
}

struct WebRTCSessionTests {
    /// Hand-made WebRTC-style capture (no audio deltas on the wire; the January 2025 buffer names):
    /// the user starts speaking while the buffer plays, and the client's buffer is cleared.
    @Test func aBargeInOverPlayingBufferYieldsAtTheClear() throws {
        let lines = [
            #"{"format":"rtscope-recording","version":1,"created":"2026-11-30T00:00:00.000000Z","tool":"hand-made","source":"synthetic"}"#,
            #"{"seq":1,"t_us":1000,"dir":"s2c","op":"text","event":{"type":"session.created","event_id":"e1","session":{"model":"gpt-realtime"}}}"#,
            #"{"seq":2,"t_us":2000,"dir":"s2c","op":"text","event":{"type":"response.created","event_id":"e2","response":{"id":"resp_1"}}}"#,
            #"{"seq":3,"t_us":3000,"dir":"s2c","op":"text","event":{"type":"output_audio_buffer.audio_started","event_id":"e3","response_id":"resp_1"}}"#,
            #"{"seq":4,"t_us":4000,"dir":"s2c","op":"text","event":{"type":"response.done","event_id":"e4","response":{"id":"resp_1","status":"completed"}}}"#,
            #"{"seq":5,"t_us":9000,"dir":"s2c","op":"text","event":{"type":"input_audio_buffer.speech_started","event_id":"e5","item_id":"item_u","audio_start_ms":10}}"#,
            #"{"seq":6,"t_us":9250,"dir":"s2c","op":"text","event":{"type":"output_audio_buffer.audio_cleared","event_id":"e6","response_id":"resp_1"}}"#,
        ]
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-webrtc-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let model = try SessionModel.load(path).model
        let barge = try #require(model.bargeIns.first)
        #expect(model.bargeIns.count == 1)
        #expect(barge.responseID == "resp_1")
        #expect(barge.yielded?.line == 7)
        #expect(model.metricSamples().first { $0.metric == "barge_in.yield" }?.value == 0.25)
    }
}
