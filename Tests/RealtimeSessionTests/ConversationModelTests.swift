import RealtimeProtocol
import RealtimeRecording
import RealtimeSession
import RealtimeValidation
import Testing

/// Feeds hand-made server events (in memory, no file) to a `SessionModelBuilder`: event k (0-based) is on line k + 2.
struct ConversationFeed {
    var builder = SessionModelBuilder(keepsConversation: true)
    /// Every event fed so far, for rebuilding a prefix.
    var fed: [String] = []

    mutating func send(_ json: String) {
        fed.append(json)
        let n = fed.count
        let object = JSONTape.parse(Array(json.utf8))
        #expect(object != nil, "fixture \(n) parses")
        builder.consume(
            ValidatorEvent(
                line: n + 1, index: n, tUs: Int64(n) * 1000, direction: .serverToClient, opcode: .text, object: object))
    }

    var log: ConversationLog { builder.conversationLog }
    var now: ConversationSnapshot { log.snapshot(throughEvent: fed.count - 1) }

    static func created(
        _ id: String, after previous: String?, type: String = "message", role: String = "user",
        content: String = "[]", extra: String = ""
    ) -> String {
        let prev = previous.map { "\"\($0)\"" } ?? "null"
        return
            #"{"type":"conversation.item.created","previous_item_id":\#(prev),"item":{"id":"\#(id)","type":"\#(type)","role":"\#(role)","status":"completed","content":\#(content)\#(extra)}}"#
    }

    static func delta(_ id: String, _ text: String, type: String = "response.text.delta", part: Int? = 0) -> String {
        let index = part.map { #","content_index":\#($0)"# } ?? ""
        return #"{"type":"\#(type)","response_id":"r1","item_id":"\#(id)"\#(index),"delta":"\#(text)"}"#
    }
}

struct ConversationModelTests {
    @Test func itemsAreInsertedAfterTheirPreviousItemAndDeleted() {
        var feed = ConversationFeed()
        feed.send(ConversationFeed.created("A", after: "root"))
        feed.send(ConversationFeed.created("B", after: "A"))
        feed.send(ConversationFeed.created("C", after: "root"))  // goes first
        feed.send(ConversationFeed.created("D", after: "A"))  // between A and B
        feed.send(ConversationFeed.created("E", after: "nowhere"))  // unknown previous: at the end
        #expect(feed.now.items.map(\.id) == ["C", "A", "D", "B", "E"])
        let tail = feed.log.snapshot(throughEvent: 4, tail: 2)
        #expect(tail.items.map(\.id) == ["B", "E"] && tail.count == 5)
        feed.send(#"{"type":"conversation.item.deleted","item_id":"A"}"#)
        feed.send(#"{"type":"conversation.item.deleted","item_id":"A"}"#)  // not present: no change
        #expect(feed.now.items.map(\.id) == ["C", "D", "B", "E"])
        #expect(feed.now.items.first { $0.id == "D" }?.previousItemID == "A")
        let deletions = feed.log.changes.filter { if case .deleted = $0.kind { true } else { false } }
        #expect(deletions == [ConversationChange(event: 5, line: 7, kind: .deleted(item: "A"))])
        // As of the event before the deletion, A is still there.
        #expect(feed.log.snapshot(throughEvent: 4).items.map(\.id) == ["C", "A", "D", "B", "E"])
        #expect(feed.log.snapshot(throughEvent: 1).items.map(\.id) == ["A", "B"])
    }

    @Test func aTruncationMarksTheItemAndDropsItsTranscript() {
        var feed = ConversationFeed()
        feed.send(ConversationFeed.created("A1", after: nil, role: "assistant"))
        feed.send(ConversationFeed.delta("A1", "Hello the", type: "response.audio_transcript.delta"))
        feed.send(ConversationFeed.delta("A1", "AAAAAAAA", type: "response.audio.delta"))
        feed.send(#"{"type":"conversation.item.truncated","item_id":"A1","content_index":0,"audio_end_ms":320}"#)
        feed.send(
            #"{"type":"conversation.item.done","item":{"id":"A1","type":"message","role":"assistant","status":"incomplete","content":[{"type":"audio","transcript":"Hello there"}]}}"#
        )
        let item = feed.now.items[0]
        #expect(item.truncatedAtMs == 320)
        #expect(item.text == "")  // a done after the truncation does not bring the transcript back
        #expect(item.status == "incomplete")
        #expect(item.parts.first?.audio == AudioReference(firstLine: 4, lastLine: 4, chunks: 1, base64Bytes: 8))
        let before = feed.log.snapshot(throughEvent: 2).items[0]
        #expect(before.text == "Hello the" && before.truncatedAtMs == nil)
        #expect(
            feed.log.changes.contains(
                ConversationChange(event: 3, line: 5, kind: .truncated(item: "A1", audioEndMs: 320))))
    }

    @Test func functionCallsKeepNameArgumentsAndOutput() {
        var feed = ConversationFeed()
        feed.send(
            ConversationFeed.created(
                "F1", after: nil, type: "function_call", role: "", content: "[]",
                extra: #","name":"get_weather","call_id":"call_1","arguments":"""#))
        feed.send(
            ConversationFeed.delta("F1", #"{\"city\""#, type: "response.function_call_arguments.delta", part: nil))
        feed.send(
            ConversationFeed.delta("F1", #":\"Oslo\"}"#, type: "response.function_call_arguments.delta", part: nil))
        feed.send(
            ConversationFeed.created(
                "O1", after: "F1", type: "function_call_output", role: "", content: "[]",
                extra: #","call_id":"call_1","output":"{\"temp_c\":4}""#))
        let items = feed.now.items
        #expect(items.map(\.type) == ["function_call", "function_call_output"])
        #expect(items[0].name == "get_weather" && items[0].callID == "call_1")
        #expect(items[0].body?.text == #"{"city":"Oslo"}"#)
        #expect(items[0].body?.source == .deltas(first: 3, last: 4, count: 2))
        #expect(items[0].text == #"{"city":"Oslo"}"#)
        #expect(items[1].body?.text == #"{"temp_c":4}"#)
        #expect(feed.log.snapshot(throughEvent: 1).items[0].text == #"{"city""#)
    }

    @Test func aTranscriptArrivingLateFillsTheUserItemWhereItStands() {
        var feed = ConversationFeed()
        feed.send(
            ConversationFeed.created("U1", after: nil, content: #"[{"type":"input_audio","transcript":null}]"#))
        feed.send(ConversationFeed.created("A1", after: "U1", role: "assistant"))
        feed.send(ConversationFeed.delta("A1", "Sure."))
        feed.send(
            #"{"type":"conversation.item.input_audio_transcription.completed","item_id":"U1","content_index":0,"transcript":"Book a table."}"#
        )
        #expect(feed.now.items.map(\.text) == ["Book a table.", "Sure."])
        #expect(feed.log.snapshot(throughEvent: 2).items.map(\.text) == ["[input_audio]", "Sure."])
        let transcript = feed.now.items[0].parts[0].text
        // The source is the field's body within the event's JSON text.
        guard case .field(let line, let bytes) = transcript?.source else {
            Issue.record("no field source")
            return
        }
        #expect(line == 5)
        #expect(String(decoding: Array(feed.fed[3].utf8)[bytes], as: UTF8.self) == "Book a table.")
    }

    @Test func openResponsesFollowCreatedAndDone() {
        var feed = ConversationFeed()
        feed.send(#"{"type":"response.created","response":{"id":"r1","status":"in_progress","output":[]}}"#)
        feed.send(#"{"type":"response.created","response":{"id":"r2","status":"in_progress","output":[]}}"#)
        feed.send(#"{"type":"response.done","response":{"id":"r1","status":"completed","output":[]}}"#)
        #expect(feed.now.openResponses == ["r2"])
        #expect(feed.log.snapshot(throughEvent: 1).openResponses == ["r1", "r2"])
        #expect(feed.log.snapshot(throughEvent: -1).openResponses.isEmpty)
    }

    /// Views that do not show the conversation (stats, the live recorder) do not pay for it.
    @Test func theConversationIsBuiltOnlyWhenAskedFor() {
        var feed = ConversationFeed()
        feed.builder = SessionModelBuilder()
        feed.send(ConversationFeed.created("A", after: nil))
        feed.send(#"{"type":"response.created","response":{"id":"r1","status":"in_progress","output":[]}}"#)
        #expect(feed.log.itemsCreated == 0 && feed.log.changes.isEmpty)
        #expect(feed.builder.current.responses.count == 1)
    }

    /// 10 KiB of deltas: 4 KiB kept, the rest counted; past the cap deltas add no change to the log.
    @Test func textIsCappedAndTheRestIsOnlyCounted() {
        var feed = ConversationFeed()
        feed.send(ConversationFeed.created("A1", after: nil, role: "assistant"))
        let piece = String(repeating: "é", count: 512)  // 1 KiB, 2-byte characters
        for _ in 0..<10 { feed.send(ConversationFeed.delta("A1", piece)) }
        let text = feed.now.items[0].parts[0].text
        #expect(text?.text.utf8.count == CappedText.limit)
        #expect(text?.fullBytes == 10 * 1024)
        #expect(text?.isCut == true)
        #expect(text?.source == .deltas(first: 3, last: 12, count: 10))
        let logged = feed.log.changes.count
        for _ in 0..<100 { feed.send(ConversationFeed.delta("A1", piece)) }
        #expect(feed.log.changes.count == logged)
        // A character is never cut in half: 3-byte characters against a 4096-byte cap.
        var odd = ConversationFeed()
        odd.send(ConversationFeed.created("A2", after: nil, role: "assistant"))
        odd.send(ConversationFeed.delta("A2", String(repeating: "€", count: 2000)))
        #expect(odd.now.items[0].text == String(repeating: "€", count: 1365))
    }

    /// Enough changes for several checkpoints: the conversation as of any event equals the live state of a builder fed
    /// only the events up to it.
    @Test func asOfAnyEventEqualsABuilderFedUpToIt() {
        var feed = ConversationFeed()
        for k in 0..<30 {
            feed.send(ConversationFeed.created("I\(k)", after: k == 0 ? nil : "I\(k - 1)", role: "assistant"))
            for d in 0..<(k % 3 == 0 ? 1000 : 20) { feed.send(ConversationFeed.delta("I\(k)", "w\(d) ")) }
            if k % 7 == 6 { feed.send(#"{"type":"conversation.item.deleted","item_id":"I\#(k - 3)"}"#) }
            if k % 5 == 4 {
                feed.send(#"{"type":"conversation.item.truncated","item_id":"I\#(k)","audio_end_ms":\#(k)}"#)
            }
        }
        #expect(feed.log.changes.count > 2 * ConversationLog.checkpointEvery)
        // Texts, not their sources: a source names the last delta seen, which a prefix has not seen yet.
        func shown(_ s: ConversationSnapshot) -> [String] {
            s.items.map { "\($0.id) \($0.status) \($0.truncatedAtMs ?? -1) \($0.text)" } + s.openResponses
        }
        for n in [0, 1, 999, 1000, 1001, 4095, 4096, 4097, 5000, 8191, 8192, 9000, feed.fed.count - 1] {
            var prefix = ConversationFeed()
            for json in feed.fed[...n] { prefix.send(json) }
            #expect(shown(feed.log.snapshot(throughEvent: n)) == shown(prefix.now), "event \(n)")
        }
    }
}
