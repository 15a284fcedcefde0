import Foundation
import RealtimeProtocol
import RealtimeRecording
import Testing

@testable import RealtimeValidation

/// Legal things real traffic does that a naive validator would flag (protocol reference §5 "must not assume" and §6).
///
/// None may produce an error-level finding.
struct LegalTrafficTests {
    static func errors(_ session: Session) -> [Finding] { session.validate().filter { $0.severity == .error } }

    @Test func cancelledResponseStillClosingEveryPart() throws {
        #expect(Self.errors(try Session.load("barge-in.jsonl")).isEmpty)
    }

    @Test func missingConversationCreatedAndRateLimits() throws {
        var session = try Session.load("text-in-text-out.jsonl")
        session.remove("rate_limits.updated")
        #expect(session.validate().isEmpty)
    }

    @Test func conversationCreatedRightAfterSessionCreated() throws {
        var session = try Session.load("text-in-text-out.jsonl")
        session.insert(
            .serverToClient,
            [
                "type": "conversation.created", "event_id": "event_cc",
                "conversation": ["id": "conv_001", "object": "realtime.conversation"],
            ],
            after: "session.created")
        #expect(session.validate().isEmpty)
    }

    @Test func transcriptionBeforeItsItemAndLateAfterTheResponse() throws {
        var session = try Session.load("audio-vad.jsonl")
        session.move("conversation.item.input_audio_transcription.completed", 0, after: "input_audio_buffer.committed")
        #expect(Self.errors(session).isEmpty)
        #expect(try Session.load("audio-vad.jsonl").validate().isEmpty)  // late transcript in the sample itself
    }

    @Test func extraFieldsNullsAndObfuscation() throws {
        var session = try Session.load("text-in-text-out.jsonl")
        session.edit("response.text.delta", 0) {
            $0["obfuscation"] = "LBqdwEYsSEHbF"
            $0["some_new_field"] = ["nested": true]
        }
        session.edit("conversation.item.created", 1) { $0.set("item.object", NSNull()) }
        session.edit("response.done") {
            $0.set("response.metadata", NSNull())
            $0.set("response.status_details", NSNull())
        }
        #expect(session.validate().isEmpty)
    }

    @Test func audioAndTranscriptDonesInEitherOrder() throws {
        var session = try Session.load("audio-vad.jsonl")
        session.move("response.audio.done", 0, after: "response.audio_transcript.done")
        #expect(session.validate().isEmpty)
    }

    @Test func gaItemDoneAfterOutputItemDone() throws {
        var session = try Session.load("ga-text-session.jsonl")
        session.move("conversation.item.done", 1, after: "response.done")
        #expect(Self.errors(session).isEmpty)
    }

    @Test func serverCreatedResponsesAndOutOfBandResponsesInParallel() throws {
        var session = try Session.load("text-in-text-out.jsonl")
        // An out-of-band response (conversation_id null) starts and ends while the default one runs.
        let created: [String: Any] = [
            "type": "response.created", "event_id": "event_oob1",
            "response": [
                "id": "resp_OOB", "object": "realtime.response", "status": "in_progress", "output": [],
                "conversation_id": NSNull(),
            ],
        ]
        var done = created
        done["event_id"] = "event_oob2"
        done["type"] = "response.done"
        done.set("response.status", "completed")
        session.insert(.serverToClient, created, after: "response.text.delta", 1)
        session.insert(.serverToClient, done, after: "response.text.delta", 3)
        #expect(session.validate().isEmpty)
    }

    @Test func outputAudioBufferStoppedAfterResponseDone() throws {
        var session = try Session.load("audio-vad.jsonl")
        session.insert(
            .serverToClient,
            ["type": "output_audio_buffer.stopped", "event_id": "event_oab", "response_id": "resp_V001"],
            after: "response.done")
        #expect(session.validate().isEmpty)
    }

    @Test func clientSendsSessionUpdateBeforeSessionCreated() throws {
        var session = try Session.load("text-in-text-out.jsonl")
        session.move("session.created", 0, after: "session.update")
        session.move("conversation.created", 0, after: "session.created")  // beta announces it after session.created
        #expect(session.validate().isEmpty)
    }

    @Test func functionCallArgumentsDoneWithoutName() throws {
        var session = try Session.load("function-call.jsonl")
        session.edit("response.function_call_arguments.done") { $0["name"] = nil }
        #expect(session.validate().isEmpty)
    }

    @Test func errorWithNullEventIDIsAttributedToTheLatestRequest() throws {
        var session = try Session.load("errors.jsonl")
        session.edit("error") { $0.set("error.event_id", NSNull()) }
        let findings = session.validate()
        #expect(!findings.contains { $0.rule == "client-event-unanswered" })
        #expect(findings.first { $0.rule == "server-error" }?.related.first?.line == 13)
    }

    @Test func serverSideTruncationAfterOutputAudioBufferClearedOnWebRTC() throws {
        var session = try Session.load("barge-in.jsonl")
        // WebRTC: the server clears its output buffer and truncates the item itself; no client truncate.
        session.remove("conversation.item.truncate")
        session.insert(
            .serverToClient,
            ["type": "output_audio_buffer.cleared", "event_id": "event_oabc", "response_id": "resp_B001"],
            after: "response.done")
        #expect(Self.errors(session).isEmpty)
        #expect(!session.validate().contains { $0.rule == "client-event-unanswered" })
    }
}
