import Foundation
import RealtimeProtocol
import RealtimeRecording
import RealtimeSession
import RealtimeValidation
import Testing

/// The diff core on in-memory sessions (hand-made digests and models, no files).
struct SessionDiffTests {
    /// A hand-made text response: created, text deltas (folded), done.
    static func textResponse(_ id: String, text: String, status: String = "completed") -> ResponseDigest {
        var r = ResponseDigest(id: id)
        r.events = [
            "response.created", "response.output_item.added", "response.content_part.added", "response.text.delta",
            "response.text.done", "response.content_part.done", "response.output_item.done", "response.done",
        ]
        var item = OutputDigest(type: "message", role: "assistant", name: nil, callID: nil, itemID: "item_" + id)
        item.parts = ["text"]
        r.outputs = [item]
        r.text = text
        r.status = status
        r.modalities = ["text"]
        return r
    }

    static func callResponse(_ id: String, name: String, arguments: String) -> ResponseDigest {
        var r = ResponseDigest(id: id)
        r.events = [
            "response.created", "response.output_item.added", "response.function_call_arguments.delta",
            "response.function_call_arguments.done", "response.output_item.done", "response.done",
        ]
        var call = OutputDigest(type: "function_call", role: nil, name: name, callID: "call_" + id, itemID: "fc_" + id)
        call.arguments = arguments
        r.outputs = [call]
        r.status = "completed"
        return r
    }

    static func side(_ responses: [ResponseDigest], findings: [String] = [], model: SessionModel = SessionModel())
        -> DiffSide
    {
        var digest = SessionDigest()
        digest.responses = responses
        return DiffSide(path: "mem", model: model, digest: digest, findings: findings)
    }

    @Test func identicalSessionsHaveNoDifferences() {
        let a = Self.side([
            Self.textResponse("r1", text: "Hello there"), Self.callResponse("r2", name: "f", arguments: "{}"),
        ])
        let b = Self.side([
            Self.textResponse("x1", text: "Hello there"), Self.callResponse("x2", name: "f", arguments: "{}"),
        ])
        let diff = SessionDiff(a, b)
        #expect(diff.entries.isEmpty)
        #expect(diff.pairs.count == 2)
    }

    @Test func argumentsAreComparedAsJSON() {
        let a = Self.side([Self.callResponse("r1", name: "get_weather", arguments: #"{"city":"Paris","unit":"c"}"#)])
        let reordered = Self.side([
            Self.callResponse("r1", name: "get_weather", arguments: #"{ "unit": "c", "city": "Paris" }"#)
        ])
        #expect(SessionDiff(a, reordered).entries(.tools).isEmpty)
        let changed = Self.side([
            Self.callResponse("r1", name: "get_weather", arguments: #"{"city":"Lyon","unit":"c"}"#)
        ])
        let entries = SessionDiff(a, changed).entries(.tools)
        #expect(entries.count == 1)
        #expect(entries.first?.subject == "call 1 get_weather arguments")
        let renamed = Self.side([Self.callResponse("r1", name: "get_time", arguments: #"{"city":"Paris","unit":"c"}"#)])
        #expect(SessionDiff(a, renamed).entries(.tools).map(\.subject) == ["call 1 name"])
    }

    @Test func structureNamesTheChangedEventsAndAMissingResponse() {
        var cut = Self.textResponse("r1", text: "Hi")
        cut.events.removeAll { $0 == "response.done" }
        cut.status = nil
        let diff = SessionDiff(
            Self.side([Self.textResponse("r1", text: "Hi"), Self.textResponse("r2", text: "Bye")]), Self.side([cut]))
        let structure = diff.entries(.structure)
        #expect(structure.map(\.subject) == ["events", "response only in A"])
        #expect(structure.first?.detail == "-response.done")
        #expect(diff.entries(.status).map(\.subject) == ["status"])
    }

    @Test func textSimilarityAndWordDiff() throws {
        let a = Self.side([Self.textResponse("r1", text: "The weather in Paris is sunny and warm today")])
        let b = Self.side([Self.textResponse("r1", text: "The weather in Paris is rainy and warm today")])
        let entry = try #require(SessionDiff(a, b).entries(.text).first)
        // 8 of 9 words in common on each side: 2·8 / 18.
        #expect(abs((entry.magnitude ?? 0) - 16.0 / 18.0) < 1e-9)
        #expect(entry.detail?.contains("[-sunny-] {+rainy+}") == true)
        let gate = try DiffGate.parse("text:0.9").get()
        #expect(gate.violations(in: SessionDiff(a, b)).count == 1)
        let lenient = try DiffGate.parse("text:0.8").get()
        #expect(lenient.violations(in: SessionDiff(a, b)).isEmpty)
    }

    @Test func findingsAreNewOrResolved() throws {
        let diff = SessionDiff(
            Self.side([], findings: ["RT001", "RT002", "RT002"]), Self.side([], findings: ["RT002", "RT009"]))
        #expect(diff.entries(.findings).map { "\($0.subject) \($0.detail ?? "")" } == ["RT001 resolved", "RT009 new"])
        // Only the new rule fails the gate.
        #expect(try DiffGate.parse("findings").get().violations(in: diff).map(\.subject) == ["RT009"])
    }

    @Test func latencyGateUsesRelativeChangeAboveTheFloor() throws {
        func model(createdAfterMs ms: Int64) -> SessionModel {
            var m = SessionModel()
            var r = Response(id: "r1", created: Moment(line: 3, tUs: 1000 + ms * 1000))
            r.requested = Moment(line: 2, tUs: 1000)
            m.responses = [r]
            return m
        }
        let base = Self.side([], model: model(createdAfterMs: 100))
        let slower = Self.side([], model: model(createdAfterMs: 130))
        let diff = SessionDiff(base, slower)
        let entry = try #require(diff.entries(.latency).first { $0.subject == "response.created" })
        #expect(entry.absolute == 30)
        #expect(abs((entry.magnitude ?? 0) - 0.3) < 1e-9)
        #expect(try DiffGate.parse("latency:+20%").get().violations(in: diff).count == 1)
        #expect(try DiffGate.parse("latency:+50%").get().violations(in: diff).isEmpty)
        #expect(try DiffGate.parse("latency:+40ms").get().violations(in: diff).isEmpty)
        // 2 ms slower is +100 % of 2 ms, but under the 5 ms floor: not a difference.
        let tiny = SessionDiff(
            Self.side([], model: model(createdAfterMs: 2)), Self.side([], model: model(createdAfterMs: 4)))
        #expect(tiny.entries(.latency).isEmpty)
    }

    @Test func usageGrowthFailsOnlyBeyondItsThreshold() throws {
        var ma = SessionModel()
        ma.usage.inputTokens = 100
        ma.usage.outputTokens = 100
        var mb = ma
        mb.usage.outputTokens = 130
        let diff = SessionDiff(Self.side([], model: ma), Self.side([], model: mb))
        #expect(diff.entries(.usage).map(\.subject) == ["tokens"])
        #expect(try DiffGate.parse("usage:+10%").get().violations(in: diff).count == 1)
        #expect(try DiffGate.parse("usage:+20%").get().violations(in: diff).isEmpty)
        // Fewer tokens never fails.
        #expect(
            try DiffGate.parse("usage").get().violations(
                in: SessionDiff(Self.side([], model: mb), Self.side([], model: ma))
            ).isEmpty)
    }

    @Test func failOnParsing() {
        #expect(throws: Never.self) { try DiffGate.parseList("structure,tools,findings,latency:+20%,text:0.8").get() }
        for bad in ["structur", "text:2", "latency:fast", "tools:3", "usage:+5ms"] {
            #expect(throws: DiffGate.GateError.self) { try DiffGate.parseList(bad).get() }
        }
    }

    @Test func renderersEscapeRecordingText() throws {
        let a = Self.side([Self.textResponse("r1", text: "plain")])
        let b = Self.side([Self.textResponse("r1\u{1b}[2J", text: "evil \u{1b}]52;c;AAAA\u{07} \u{202e}txt")])
        let diff = SessionDiff(a, b)
        for rendered in [DiffRenderer.text(diff), DiffRenderer.markdown(diff), try DiffRenderer.json(diff)] {
            #expect(!rendered.unicodeScalars.contains { $0 == "\u{1b}" || $0 == "\u{07}" || $0 == "\u{202e}" })
        }
        #expect(DiffRenderer.text(diff).contains("\\e]52"))
    }

    @Test func sequenceAlignmentAndSimilarityEdges() {
        #expect(SequenceDiff.similarity("", "") == 1)
        #expect(SequenceDiff.similarity("a b", "") == 0)
        #expect(
            SequenceDiff.align(["a", "b", "c"], ["a", "c", "d"]) == [
                .same("a"), .removed("b"), .same("c"), .added("d"),
            ])
    }
}

/// `SessionDigestBuilder` on hand-made events (not from a recording).
struct SessionDigestTests {
    static func digest(_ events: [String]) -> SessionDigest {
        var builder = SessionDigestBuilder()
        for (k, text) in events.enumerated() {
            builder.consume(
                ValidatorEvent(
                    line: k + 2, index: k + 1, tUs: Int64(k) * 1000, direction: .serverToClient, opcode: .text,
                    object: JSONTape.parse(Array(text.utf8))))
        }
        return builder.finish()
    }

    @Test func deltaStreamsCountOnceWhereTheyStartAndGANamesAreCanonical() throws {
        // An audio answer whose transcript and audio deltas interleave, in the GA spelling.
        let events = [
            #"{"type":"response.created","response":{"id":"r1","output_modalities":["audio"]}}"#,
            #"{"type":"response.output_item.added","response_id":"r1","item":{"id":"i1","type":"message","role":"assistant"}}"#,
            #"{"type":"response.content_part.added","response_id":"r1","item_id":"i1","part":{"type":"audio"}}"#,
            #"{"type":"response.output_audio_transcript.delta","response_id":"r1","item_id":"i1","delta":"Hello"}"#,
            #"{"type":"response.output_audio.delta","response_id":"r1","item_id":"i1","delta":"AAAA"}"#,
            #"{"type":"response.output_audio_transcript.delta","response_id":"r1","item_id":"i1","delta":" there"}"#,
            #"{"type":"response.output_audio.delta","response_id":"r1","item_id":"i1","delta":"AAAA"}"#,
            #"{"type":"response.output_audio_transcript.done","response_id":"r1","item_id":"i1","transcript":"Hello there"}"#,
            #"{"type":"response.done","response":{"id":"r1","status":"completed"}}"#,
        ]
        let r = try #require(Self.digest(events).responses.first)
        #expect(
            r.events == [
                "response.created", "response.output_item.added", "response.content_part.added",
                "response.audio_transcript.delta", "response.audio.delta", "response.audio_transcript.done",
                "response.done",
            ])
        #expect(r.transcript == "Hello there")  // from the deltas, not doubled by the done event
        #expect(r.outputs.first?.parts == ["audio"])
        #expect(r.status == "completed" && r.modalities == ["audio"])
        // The same answer with one stream order swapped has the same structure.
        var swapped = events
        swapped.swapAt(3, 4)
        #expect(Self.digest(swapped).responses.first?.events.count == r.events.count)
    }
}
