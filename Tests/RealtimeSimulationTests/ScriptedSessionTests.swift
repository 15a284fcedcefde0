import Foundation
import RealtimeProtocol
import Testing

@testable import RealtimeSimulation

/// The simulator's opt-in knobs the sample generator uses (injected ids, scripted replies, rate limits,
/// GA obfuscation, first-delta delay) and `VirtualLoop`'s clock.
struct ScriptedSessionTests {
    static func object(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    static func say(_ text: String) -> ClientScript.Step {
        .send(
            .object([
                ("type", "conversation.item.create"),
                (
                    "item",
                    .object([
                        ("type", "message"), ("role", "user"),
                        ("content", [.object([("type", "input_text"), ("text", .string(text))])]),
                    ])
                ),
            ]))
    }

    static let textOnly: ClientScript.Step = .send(
        .object([("type", "session.update"), ("session", .object([("modalities", ["text"])]))]))
    static let respond: ClientScript.Step = .send(.object([("type", "response.create")]))

    static func run(_ options: SimulationOptions, dialect: Dialect = .beta) -> [TimedFrame] {
        let update: ClientScript.Step =
            dialect == .ga
            ? .send(
                .object([
                    ("type", "session.update"),
                    ("session", .object([("type", "realtime"), ("output_modalities", ["text"])])),
                ])) : textOnly
        let script = ClientScript(
            dialect: dialect,
            steps: [update, .waitFor("session.updated"), say("Hi"), respond, .waitFor("response.done")])
        return VirtualLoop.run(script, SimulatedSession(options: options))
    }

    @Test func injectedIDsAreUsedInOrderThenCounted() {
        var ids = IDSource(tag: "T", names: ["item": ["item_A", "item_B"]])
        #expect([ids.next("item"), ids.next("item"), ids.next("item")] == ["item_A", "item_B", "item_T0003"])
        #expect(ids.next("resp") == "resp_T0001")
    }

    @Test func scriptedRepliesAreSentAsTheirPiecesThenTheEchoResumes() {
        var options = SimulationOptions(dialect: .beta)
        options.replies = [.message(["Hej", "!", " Hallå", "."])]
        let frames = Self.run(options)
        let deltas = frames.map { Self.object($0.text) }.filter { $0["type"] as? String == "response.text.delta" }
        #expect(deltas.compactMap { $0["delta"] as? String } == ["Hej", "!", " Hallå", "."])
        let done = frames.map { Self.object($0.text) }.first { $0["type"] as? String == "response.text.done" }
        #expect(done?["text"] as? String == "Hej! Hallå.")
        // Without replies the model echoes, as before.
        let echo = Self.run(SimulationOptions(dialect: .beta)).map { Self.object($0.text) }
        #expect(
            echo.contains { $0["type"] as? String == "response.text.done" && $0["text"] as? String == "You said: Hi" })
    }

    @Test func rateLimitsFollowResponseDoneOnlyWhenAskedFor() throws {
        var options = SimulationOptions(dialect: .beta)
        options.rateLimits = RateLimits(requests: 10, tokens: 1000)
        let types = Self.run(options).map { Self.object($0.text)["type"] as? String ?? "" }
        let done = try #require(types.firstIndex(of: "response.done"))
        #expect(types[done + 1] == "rate_limits.updated")
        let limits = Self.run(options).map { Self.object($0.text) }.first {
            $0["type"] as? String == "rate_limits.updated"
        }
        let entries = try #require(limits?["rate_limits"] as? [[String: Any]])
        #expect(entries.first?["remaining"] as? Int == 9)
        #expect((entries.last?["remaining"] as? Int ?? 1000) < 1000)
        #expect(!Self.run(SimulationOptions(dialect: .beta)).contains { $0.text.contains("rate_limits.updated") })
    }

    @Test func obfuscationPadsGADeltasOnly() {
        var options = SimulationOptions(dialect: .ga)
        options.obfuscation = true
        let padded = Self.run(options, dialect: .ga).map { Self.object($0.text) }
        let deltas = padded.filter { $0["type"] as? String == "response.output_text.delta" }
        #expect(!deltas.isEmpty && deltas.allSatisfy { ($0["obfuscation"] as? String)?.isEmpty == false })
        #expect(!padded.contains { $0["type"] as? String != "response.output_text.delta" && $0["obfuscation"] != nil })
        #expect(!Self.run(SimulationOptions(dialect: .ga), dialect: .ga).contains { $0.text.contains("obfuscation") })
    }

    @Test func theFirstDeltaWaitsForTheModelAndFramesAreInTimeOrder() throws {
        var options = SimulationOptions(dialect: .beta, deltaIntervalMs: 10)
        options.firstDeltaMs = 200
        options.expiresAt = 42
        let frames = Self.run(options)
        #expect(frames.map(\.tUs) == frames.map(\.tUs).sorted())
        let created = try #require(frames.first { $0.text.contains(#""type":"response.created""#) })
        let delta = try #require(frames.first { $0.text.contains(#""type":"response.text.delta""#) })
        #expect(delta.tUs - created.tUs >= 190_000)
        #expect(frames[0].text.contains(#""expires_at":42"#))
    }

    @Test func appendsStreamInRealTimeWhileControlEventsOvertakeThem() {
        let script = ClientScript(
            dialect: .beta,
            steps: [
                .send(.object([("type", "session.update"), ("session", .object([("turn_detection", nil)]))])),
                .waitFor("session.updated"), .appendAudio(Tone.silence(ms: 500)),
                .send(.object([("type", "input_audio_buffer.commit")])), .waitFor("input_audio_buffer.committed"),
            ])
        let frames = VirtualLoop.run(script, SimulatedSession(options: SimulationOptions(dialect: .beta)))
        let appends = frames.filter { $0.text.contains(#""type":"input_audio_buffer.append""#) }
        #expect(appends.count == 5)
        #expect(zip(appends, appends.dropFirst()).allSatisfy { $1.tUs - $0.tUs == 100_000 })
        // The commit of the same batch goes after the last append, not 3 ms after the first.
        let commit = frames.first { $0.text.contains(#""type":"input_audio_buffer.commit""#) }
        #expect((commit?.tUs ?? 0) > (appends.last?.tUs ?? .max))
    }
}
