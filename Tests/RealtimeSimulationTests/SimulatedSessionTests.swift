import Foundation
import RealtimeProtocol
import RealtimeRecording
import RealtimeValidation
import Testing

@testable import RealtimeSimulation

/// Runs a client script against a simulated session on virtual time and keeps every frame.
struct Loopback {
    var frames: [(Direction, String)] = []
    var closed: (code: Int, reason: String)?

    /// Runs the script against the session on virtual time (the same loop the samples use).
    static func run(_ script: ClientScript, _ session: any ServerSession, limitMs: Int64 = 120_000) -> Loopback {
        let run = VirtualLoop.session(script, session, limitUs: limitMs * 1000)
        return Loopback(frames: run.frames.map { ($0.direction, $0.text) }, closed: run.close)
    }

    /// Writes the frames as a recording and validates it.
    func validate(dialect: Dialect) throws -> FileReport {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sim-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try RecordingWriter(
            path: path, header: RecordingHeader(created: "2026-11-26T00:00:00Z", source: "simulated", dialect: dialect))
        for (i, (direction, text)) in frames.enumerated() {
            try writer.append(.text(text, seq: i + 1, tUs: Int64(i) * 1000, direction: direction))
        }
        return try ValidationRun.validate(path: path)
    }

    func types(_ direction: Direction = .serverToClient) -> [String] {
        frames.filter { $0.0 == direction }.compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.1.utf8)) as? [String: Any])?["type"] as? String
        }
    }

    func events(_ type: String) -> [[String: Any]] {
        frames.compactMap { try? JSONSerialization.jsonObject(with: Data($0.1.utf8)) as? [String: Any] }
            .filter { $0["type"] as? String == type }
    }
}

struct SimulatedSessionTests {
    @Test(arguments: Dialect.allCases)
    func theDemoSessionValidatesClean(_ dialect: Dialect) throws {
        let script = ClientScript.demo(dialect: dialect)
        let loop = Loopback.run(script, SimulatedSession(options: SimulationOptions(dialect: dialect)))
        #expect(script.finished)
        let report = try loop.validate(dialect: dialect)
        #expect(report.findings.map { "\($0.line) \($0.rule): \($0.message)" } == [])
        let done = loop.events("response.done").compactMap { $0["response"] as? [String: Any] }
        #expect(
            done.map { $0["status"] as? String } == [
                "completed", "completed", "completed", "completed", "cancelled", "completed",
            ])
        let reasons = done.compactMap { ($0["status_details"] as? [String: Any])?["reason"] as? String }
        #expect(reasons == ["turn_detected"])
        #expect(loop.types().contains(dialect == .ga ? "response.output_audio.delta" : "response.audio.delta"))
        #expect(loop.types().contains("response.function_call_arguments.done"))
        #expect(loop.types().contains("conversation.item.truncated"))
    }

    @Test func aFunctionCallCarriesTheToolsArgumentsAndItsOutputIsAnswered() throws {
        let loop = Loopback.run(ClientScript.demo(dialect: .beta), SimulatedSession(options: .init(dialect: .beta)))
        let call = try #require(loop.events("response.function_call_arguments.done").first)
        #expect(call["name"] as? String == "get_weather")
        #expect(call["arguments"] as? String == #"{"city":"What is the weather in Paris? Use get_weather."}"#)
        let texts = loop.events("response.text.done").compactMap { $0["text"] as? String }
        #expect(texts.last == #"The function returned: {"city":"Paris","sky":"sunny","celsius":21}"#)
    }

    @Test func theDeltasOfAnAnswerConcatenateToItsDoneValue() throws {
        let loop = Loopback.run(ClientScript.demo(dialect: .ga), SimulatedSession(options: .init(dialect: .ga)))
        let deltas = loop.events("response.output_text.delta").prefix(while: { _ in true })
        let first = try #require(loop.events("response.output_text.done").first)
        let id = first["item_id"] as? String
        #expect(
            deltas.filter { $0["item_id"] as? String == id }.compactMap { $0["delta"] as? String }.joined() == first[
                "text"] as? String)
        let audio = loop.events("response.output_audio.delta").compactMap {
            Data(base64Encoded: $0["delta"] as? String ?? "")
        }
        #expect(!audio.isEmpty && audio.allSatisfy { $0.count % 2 == 0 })
    }

    @Test func misuseGetsTheDocumentedErrors() {
        let session = SimulatedSession(options: .init(dialect: .beta, deltaIntervalMs: 20))
        _ = session.open(now: 0)
        func errorCode(_ text: String) -> String? {
            for case .send(let out) in session.receive(text: Array(text.utf8), now: 0) {
                let object = try? JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
                if object?["type"] as? String == "error" {
                    return (object?["error"] as? [String: Any])?["code"] as? String
                }
            }
            return nil
        }
        #expect(
            errorCode(#"{"type":"input_audio_buffer.commit","event_id":"c1"}"#) == "input_audio_buffer_commit_empty")
        #expect(errorCode(#"{"type":"response.cancel"}"#) == "response_cancel_not_active")
        #expect(errorCode(#"{"event_id":"x"}"#) == "invalid_event")
        #expect(errorCode(#"{"type":"nonsense.event"}"#) == "invalid_event")
        #expect(errorCode("not json") == "invalid_event")
        #expect(errorCode(#"{"type":"input_audio_buffer.append"}"#) == "missing_required_parameter")
        #expect(errorCode(#"{"type":"conversation.item.delete","item_id":"nope"}"#) == "item_not_found")
        #expect(errorCode(#"{"type":"conversation.item.create","item":"text"}"#) == "invalid_type")
        #expect(errorCode(#"{"type":"response.create"}"#) == nil)
        #expect(
            errorCode(#"{"type":"response.create","event_id":"second"}"#) == "conversation_already_has_active_response")
    }

    @Test func theErrorNamesTheOffendingClientEvent() throws {
        let session = SimulatedSession(options: .init())
        let out = session.receive(text: Array(#"{"type":"response.cancel","event_id":"evt_42"}"#.utf8), now: 0)
        guard case .send(let text) = try #require(out.first) else { Issue.record("no error sent"); return }
        let error = try #require(
            (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?["error"] as? [String: Any])
        #expect(error["event_id"] as? String == "evt_42")
    }

    @Test func aGASessionUpdateWithoutTypeIsRefused() {
        let session = SimulatedSession(options: .init(dialect: .ga))
        let out = session.receive(
            text: Array(#"{"type":"session.update","session":{"instructions":"x"}}"#.utf8), now: 0)
        #expect(out.count == 1)
        if case .send(let text) = out.first { #expect(text.contains("missing_required_parameter")) }
    }

    @Test func deltasArePacedByTheInterval() {
        let session = SimulatedSession(options: .init(dialect: .beta, deltaIntervalMs: 50))
        _ = session.receive(text: Array(#"{"type":"session.update","session":{"modalities":["text"]}}"#.utf8), now: 0)
        let first = session.receive(text: Array(#"{"type":"response.create"}"#.utf8), now: 0)
        #expect(first.count >= 4)  // created, item added, item created, part added, first delta
        #expect(session.nextDue == 50)
        #expect(session.due(now: 49).isEmpty)
        #expect(session.due(now: 50).count == 1)
    }
}

struct VoiceActivityTests {
    @Test func speechIsFoundByEnergyWithPaddingAndSilence() {
        var vad = VoiceActivityDetector(threshold: 0.5, silenceMs: 500, prefixPaddingMs: 300)
        #expect(vad.feed(Tone.silence(ms: 1000)) == [])
        #expect(vad.feed(Tone.pcm(ms: 400, level: 0.3)) == [.started(startMs: 700)])
        #expect(vad.feed(Tone.silence(ms: 400)) == [])
        #expect(vad.feed(Tone.silence(ms: 200)) == [.stopped(endMs: 1900)])
        #expect(vad.clockMs == 2000)
    }

    @Test func quietAudioIsNotSpeech() {
        var vad = VoiceActivityDetector()
        #expect(vad.feed(Tone.pcm(ms: 1000, level: 0.005)) == [])
    }
}

struct FaultTests {
    @Test(arguments: Fault.allCases.filter { $0 != .handshake429 })
    func everyFaultBreaksConformance(_ fault: Fault) throws {
        let loop = Loopback.run(
            ClientScript.demo(dialect: .beta), SimulatedSession(options: .init(dialect: .beta, faults: [fault])))
        let report = try loop.validate(dialect: .beta)
        #expect(report.count(.error) + report.count(.warning) > 0, "\(fault.rawValue) went unnoticed")
        if fault == .disconnectMidResponse { #expect(loop.closed?.code == 1011) }
    }
}

struct ReplayTests {
    static func replayFrames(_ loop: Loopback) -> [ReplayFrame] {
        loop.frames.enumerated().map { i, frame in
            let type =
                (try? JSONSerialization.jsonObject(with: Data(frame.1.utf8)) as? [String: Any])?["type"] as? String
            return ReplayFrame(
                fromClient: frame.0 == .clientToServer, tUs: Int64(i) * 10_000, type: type, text: frame.1)
        }
    }

    @Test func aReplayAnswersTheSameClientWithTheRecordedServerEvents() throws {
        let original = Loopback.run(ClientScript.demo(dialect: .ga), SimulatedSession(options: .init(dialect: .ga)))
        let replay = ReplaySession(frames: Self.replayFrames(original), speed: 0)
        let script = ClientScript.demo(dialect: .ga)
        let again = Loopback.run(script, replay)
        #expect(script.finished)
        #expect(replay.remaining == 0)
        #expect(
            again.frames.filter { $0.0 == .serverToClient }.map(\.1)
                == original.frames.filter { $0.0 == .serverToClient }.map(\.1))
        #expect(try again.validate(dialect: .ga).findings.isEmpty)
    }

    @Test func serverEventsWaitForTheClientEventsBeforeThem() {
        let frames = [
            ReplayFrame(fromClient: false, tUs: 0, type: "session.created", text: #"{"type":"session.created"}"#),
            ReplayFrame(fromClient: true, tUs: 1_000, type: "response.create", text: nil),
            ReplayFrame(
                fromClient: false, tUs: 51_000, type: "response.created", text: #"{"type":"response.created"}"#),
        ]
        let replay = ReplaySession(frames: frames, speed: 1)
        #expect(replay.open(now: 0) == [.send(#"{"type":"session.created"}"#)])
        #expect(replay.nextDue == nil)  // waits for response.create
        #expect(replay.receive(text: Array(#"{"type":"session.update"}"#.utf8), now: 5).isEmpty)
        #expect(replay.nextDue == nil)
        #expect(replay.receive(text: Array(#"{"type":"response.create"}"#.utf8), now: 10).isEmpty)
        #expect(replay.nextDue == 60)  // the recorded 50 ms after its trigger
        #expect(replay.due(now: 60) == [.send(#"{"type":"response.created"}"#)])
    }
}

struct MoreSessionsValidateClean {
    static func session(_ dialect: Dialect, turnDetectionOff: Bool) -> JSON {
        var session: JSON =
            dialect == .ga
            ? .object([
                ("type", "realtime"),
                (
                    "audio",
                    .object([
                        (
                            "input",
                            .object([
                                ("turn_detection", nil), ("transcription", .object([("model", "gpt-4o-transcribe")])),
                            ])
                        )
                    ])
                ),
            ])
            : .object([("turn_detection", nil), ("input_audio_transcription", .object([("model", "whisper-1")]))])
        if !turnDetectionOff { session = .object([]) }
        return session
    }

    /// Push-to-talk with input transcription, then item retrieve, delete, a buffer clear and a cancel.
    @Test(arguments: Dialect.allCases)
    func pushToTalkWithTranscriptionAndHousekeeping(_ dialect: Dialect) throws {
        let script = ClientScript(
            dialect: dialect,
            steps: [
                .send(
                    .object([("type", "session.update"), ("session", Self.session(dialect, turnDetectionOff: true))])),
                .waitFor("session.updated"),
                .appendAudio(Tone.pcm(ms: 900, level: 0.3)),
                .send(.object([("type", "input_audio_buffer.commit")])),
                .waitFor("conversation.item.input_audio_transcription.completed"),
                .send(.object([("type", "response.create")])), .waitFor("response.done"),
                .appendAudio(Tone.pcm(ms: 300, level: 0.3)),
                .send(.object([("type", "input_audio_buffer.clear")])), .waitFor("input_audio_buffer.cleared"),
                .send(
                    .object([
                        ("type", "conversation.item.create"),
                        (
                            "item",
                            .object([
                                ("id", "item_client_1"), ("type", "message"), ("role", "user"),
                                ("content", [.object([("type", "input_text"), ("text", "Tell me a long story")])]),
                            ])
                        ),
                    ])),
                .waitFor("conversation.item.created"),
                .send(.object([("type", "conversation.item.retrieve"), ("item_id", "item_client_1")])),
                .waitFor("conversation.item.retrieved"),
                .send(.object([("type", "response.create")])), .waitFor("response.content_part.added"),
                .send(.object([("type", "response.cancel")])), .waitFor("response.done"),
                .send(.object([("type", "conversation.item.delete"), ("item_id", "item_client_1")])),
                .waitFor("conversation.item.deleted"),
                .close,
            ])
        let loop = Loopback.run(script, SimulatedSession(options: .init(dialect: dialect)))
        #expect(script.finished)
        let report = try loop.validate(dialect: dialect)
        #expect(report.findings.map { "\($0.line) \($0.rule): \($0.message)" } == [])
        let statuses = loop.events("response.done").compactMap {
            ($0["response"] as? [String: Any])?["status"] as? String
        }
        #expect(statuses == ["completed", "cancelled"])
        #expect(loop.types().contains("conversation.item.input_audio_transcription.completed"))
        #expect(!loop.types().contains("input_audio_buffer.speech_started"))
    }
}
