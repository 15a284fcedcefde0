import Foundation
import RealtimeProtocol
import Testing

@testable import RealtimeRecording

struct PayloadRedactorTests {
    static func redact(_ text: String) -> String? {
        PayloadRedactor.redact(Array(text.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func replacesClientSecretValuesAndEphemeralKeysOnly() {
        // Hand-made payloads in the shapes of beta session.created and GA client-secret responses.
        #expect(
            Self.redact(
                #"{"type":"session.created","session":{"client_secret":{"value":"ek_abc123","expires_at":17}}}"#)
                == #"{"type":"session.created","session":{"client_secret":{"value":"REDACTED","expires_at":17}}}"#)
        #expect(
            Self.redact(#"{"type":"session.update","session":{"client_secret":"cs_1","model":"m"}}"#)
                == #"{"type":"session.update","session":{"client_secret":"REDACTED","model":"m"}}"#)
        #expect(
            Self.redact(#"{"type":"x","a":["ek_1",{"k":"ek_2\"q"}],"b":"the ek_ word"}"#)
                == #"{"type":"x","a":["REDACTED",{"k":"REDACTED"}],"b":"the ek_ word"}"#)
        // Keys named ek_… are not values; a null client_secret stays null.
        #expect(Self.redact(#"{"ek_x":1,"client_secret":null,"y":"z"}"#) == nil)
        // Nothing to do: no copy is made.
        #expect(Self.redact(#"{"type":"response.output_audio.delta","delta":"AAAA+/=="}"#) == nil)
        #expect(Self.redact(#"{"type":"conversation.item.created","item":{"id":"item_1"}}"#) == nil)
        #expect(!PayloadRedactor.mayHoldSecret(UnsafeRawBufferPointer(start: nil, count: 0)))
        // Not JSON: strings are still found, nothing traps.
        #expect(Self.redact(#"oops "ek_1" and "ek_"#) == #"oops "REDACTED" and "REDACTED"#)
    }

    @Test func importsRedactPayloadSecretsAndMarkTheFrames() throws {
        // Hand-made JSONL log holding an ephemeral key in session.created.
        let log = """
            {"type":"session.created","event_id":"event_1","session":{"id":"sess_1","client_secret":{"value":"ek_SECRET9","expires_at":1}}}
            {"type":"session.update","session":{"instructions":"hi"}}

            """
        let recordings = try LogImporter.importBytes(Array(log.utf8), kind: .jsonlEvents, name: "k.jsonl")
        let encoded = String(decoding: try recordings[0].encoded(), as: UTF8.self)
        #expect(!encoded.contains("ek_SECRET9"))
        #expect(recordings[0].header.redacted == [PayloadRedactor.headerNote])
        let frames = try ImporterTests.roundTrip(recordings[0])
        #expect(frames.map(\.redacted) == [true, false])
        #expect(encoded.contains(#""op":"text","redacted":true,"event":{"type":"session.created""#))

        let har = #"""
            {"log":{"entries":[{"request":{"method":"GET","url":"wss://h/v1/realtime","headers":[]},"response":{"status":101,"headers":[]},
            "_webSocketMessages":[{"type":"receive","time":1.0,"opcode":1,"data":"{\"type\":\"session.created\",\"session\":{\"client_secret\":{\"value\":\"ek_SECRET8\"}}}"}]}]}}
            """#
        let fromHAR = try LogImporter.importBytes(Array(har.utf8), kind: .har, name: "k.har")
        #expect(!String(decoding: try fromHAR[0].encoded(), as: UTF8.self).contains("ek_SECRET8"))
        #expect(try ImporterTests.roundTrip(fromHAR[0]).map(\.redacted) == [true])
        #expect(fromHAR[0].header.redacted == [PayloadRedactor.headerNote])
    }
}
