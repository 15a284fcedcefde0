import RealtimeProtocol
import RealtimeRecording
import Testing

@testable import RealtimeValidation

/// The validator keeps finished responses in full only up to a bound; older ones shrink to their ids,
/// and the rules about them still hold.
struct BoundedStateTests {
    /// Feeds server events (JSON text) one by one; returns the findings of the last one.
    static func feed(_ validator: inout SessionValidator, _ line: inout Int, _ json: String) -> [Finding] {
        line += 1
        return validator.consume(
            ValidatorEvent(
                line: line, index: line, tUs: Int64(line), direction: .serverToClient, opcode: .text,
                object: JSONTape.parse(Array(json.utf8))))
    }

    static func created(_ n: Int, _ suffix: String = "") -> String {
        #"{"type":"response.created","event_id":"c\#(n)\#(suffix)","response":{"id":"resp_\#(n)","status":"in_progress","output":[]}}"#
    }

    static func done(_ n: Int, _ suffix: String = "") -> String {
        #"{"type":"response.done","event_id":"d\#(n)\#(suffix)","response":{"id":"resp_\#(n)","status":"completed","output":[]}}"#
    }

    @Test func finishedResponsesBeyondTheBoundAreForgottenButStillChecked() {
        var validator = SessionValidator(declaredDialect: .beta)
        var line = 1
        _ = Self.feed(
            &validator, &line, #"{"type":"session.created","event_id":"s0","session":{"modalities":["text"]}}"#)
        var doneLineOfFirst = 0
        for n in 1...1000 {
            #expect(Self.feed(&validator, &line, Self.created(n)).isEmpty)
            #expect(Self.feed(&validator, &line, Self.done(n)).isEmpty)
            if n == 1 { doneLineOfFirst = line }
        }
        #expect(validator.state.responses.count == SessionState.keptFinishedResponses)
        #expect(validator.state.responseOrder.count <= 2 * SessionState.keptFinishedResponses + 64)

        let late = Self.feed(
            &validator, &line,
            #"{"type":"response.output_item.added","event_id":"late1","response_id":"resp_1","output_index":0,"item":{"id":"item_x","type":"message","status":"in_progress","content":[]}}"#
        )
        #expect(late.map(\.rule) == ["response-event-outside-lifecycle"])
        #expect(late.first?.related.first?.line == doneLineOfFirst)
        #expect(late.first?.message.contains("after response resp_1 was done") == true)

        #expect(
            Self.feed(&validator, &line, Self.created(1, "b")).map(\.message) == ["Response resp_1 was created twice."])
        #expect(Self.feed(&validator, &line, Self.done(2, "b")).map(\.message) == ["Response resp_2 was done twice."])
        // A response still held in full answers as before.
        #expect(
            Self.feed(&validator, &line, Self.done(1000, "b")).map(\.message) == ["Response resp_1000 was done twice."])
        #expect(validator.finish().isEmpty)
    }
}
