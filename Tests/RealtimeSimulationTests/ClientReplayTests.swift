import Foundation
import Testing

@testable import RealtimeSimulation

/// `ClientReplay` on virtual time, with hand-made recorded frames (not from a real session).
struct ClientReplayTests {
    static func client(_ ms: Int64, _ json: String) -> ReplayFrame {
        let type = (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["type"] as? String
        return ReplayFrame(fromClient: true, tUs: ms * 1000, type: type, text: json)
    }
    static func server(_ ms: Int64, _ json: String) -> ReplayFrame {
        let type = (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["type"] as? String
        return ReplayFrame(fromClient: false, tUs: ms * 1000, type: type, text: json)
    }

    /// A recorded function-call round trip: the client answers 30 ms after the call's response.done.
    static let recorded: [ReplayFrame] = [
        server(0, #"{"type":"session.created"}"#),
        client(10, #"{"type":"response.create"}"#),
        server(20, #"{"type":"response.created","response":{"id":"resp_old"}}"#),
        server(
            30,
            #"{"type":"response.function_call_arguments.done","call_id":"call_old","name":"f","arguments":"{\"a\":1,\"b\":2}"}"#
        ),
        server(40, #"{"type":"response.done","response":{"id":"resp_old"}}"#),
        client(
            70,
            #"{"type":"conversation.item.create","item":{"type":"function_call_output","call_id":"call_old","output":"42"}}"#
        ),
        client(71, #"{"type":"response.create"}"#),
        server(80, #"{"type":"response.created","response":{"id":"resp_old2"}}"#),
        server(90, #"{"type":"response.done","response":{"id":"resp_old2"}}"#),
    ]

    @Test func eachEventWaitsForItsAnchorThenKeepsItsOffset() {
        let replay = ClientReplay(frames: Self.recorded)
        #expect(replay.due(now: 0).isEmpty)  // waits for session.created
        replay.received(#"{"type":"session.created"}"#, now: 100)
        #expect(replay.nextDue == 110)  // 10 ms after it, as recorded
        #expect(replay.due(now: 109).isEmpty)
        #expect(replay.due(now: 110) == [#"{"type":"response.create"}"#])
        replay.received(#"{"type":"response.created","response":{"id":"resp_new"}}"#, now: 200)
        replay.received(
            #"{"type":"response.function_call_arguments.done","call_id":"call_other","name":"g","arguments":"{}"}"#,
            now: 205)
        replay.received(
            #"{"type":"response.function_call_arguments.done","call_id":"call_new","name":"f","arguments":"{\"b\":2,\"a\":1}"}"#,
            now: 210)
        #expect((replay.nextDue ?? .max) > 1000)  // response.done not yet seen: no send before the wait limit
        #expect(replay.due(now: 500).isEmpty)
        replay.received(#"{"type":"response.done","response":{"id":"resp_new"}}"#, now: 600)
        #expect(replay.nextDue == 630)
        let sent = replay.due(now: 631)
        #expect(sent.count == 2)
        // The output answers the new call with the same name and JSON-equal arguments, not the first one.
        let output = try? JSONSerialization.jsonObject(with: Data(sent[0].utf8)) as? [String: Any]
        #expect((output?["item"] as? [String: Any])?["call_id"] as? String == "call_new")
        #expect(sent[0].hasPrefix(#"{"type":"conversation.item.create""#))
        #expect(replay.finished && !replay.settled)
        replay.received(#"{"type":"response.created","response":{"id":"r3"}}"#, now: 700)
        replay.received(#"{"type":"response.done","response":{"id":"r3"}}"#, now: 710)
        #expect(replay.settled)
        #expect(replay.notes.isEmpty)
    }

    @Test func toolsFileOutputsAndFallingBackToOrder() throws {
        var options = ClientReplay.Options()
        options.speed = 0
        options.toolOutputs = ["g": "fixed"]
        let replay = ClientReplay(frames: Self.recorded, options: options)
        replay.received(#"{"type":"session.created"}"#, now: 0)
        #expect(replay.due(now: 0).count == 1)
        replay.received(#"{"type":"response.created","response":{"id":"x"}}"#, now: 1)
        replay.received(
            #"{"type":"response.function_call_arguments.done","call_id":"call_g","name":"g","arguments":"{}"}"#, now: 2)
        replay.received(#"{"type":"response.done","response":{"id":"x"}}"#, now: 3)
        let sent = replay.due(now: 3)  // --asap: at once
        let item = try #require(
            (try JSONSerialization.jsonObject(with: Data(sent[0].utf8)) as? [String: Any])?["item"] as? [String: Any])
        #expect(item["call_id"] as? String == "call_g")  // no call named f: the first unanswered one
        #expect(item["output"] as? String == "fixed")
    }

    @Test func aMissingAnchorIsGivenUpOnceAfterTheWaitLimit() {
        var options = ClientReplay.Options()
        options.waitLimitMs = 500
        let replay = ClientReplay(frames: Self.recorded, options: options)
        replay.received(#"{"type":"session.created"}"#, now: 0)
        _ = replay.due(now: 10)
        replay.received(#"{"type":"response.created","response":{"id":"x"}}"#, now: 20)
        // response.done never comes: the output and the next response.create go after the wait limit.
        #expect(replay.due(now: 400).isEmpty)
        let sent = replay.due(now: 600)
        #expect(sent.count == 1)  // the output has no call to answer: skipped; response.create goes
        #expect(sent == [#"{"type":"response.create"}"#])
        #expect(replay.notes.filter { $0.hasPrefix("gave up waiting for response.done #1") }.count == 1)
        #expect(replay.notes.contains { $0.contains("no call to answer") })
    }

    @Test func serverChosenIDsAreMappedByRank() throws {
        let frames = [
            Self.server(0, #"{"type":"session.created"}"#),
            Self.server(5, #"{"type":"response.created","response":{"id":"resp_a"}}"#),
            Self.server(6, #"{"type":"response.output_item.added","item":{"id":"item_a"}}"#),
            Self.client(
                20, #"{"type":"conversation.item.truncate","item_id":"item_a","content_index":0,"audio_end_ms":100}"#),
        ]
        let replay = ClientReplay(
            frames: frames,
            options: {
                var o = ClientReplay.Options(); o.speed = 0; return o
            }())
        replay.received(#"{"type":"session.created"}"#, now: 0)
        replay.received(#"{"type":"response.created","response":{"id":"resp_b"}}"#, now: 1)
        replay.received(#"{"type":"response.output_item.added","item":{"id":"item_b"}}"#, now: 2)
        let sent = replay.due(now: 2)
        let event = try #require(try JSONSerialization.jsonObject(with: Data(sent[0].utf8)) as? [String: Any])
        #expect(event["item_id"] as? String == "item_b")
        #expect(event["audio_end_ms"] as? Int == 100)
    }
}
