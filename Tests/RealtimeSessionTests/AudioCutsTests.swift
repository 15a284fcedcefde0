import Foundation
import RealtimeProtocol
import RealtimeRecording
import Testing

@testable import RealtimeSession

/// The cuts the export and the level strip share (`AudioCuts`), on hand-written events.
struct AudioCutsTests {
    static func event(_ json: String) throws -> JSONValue {
        try #require(JSONTape.parse(Array(json.utf8)))
    }

    @Test func everyNameTheAudioCodeReactsToIsInTheCatalog() {
        for name in AudioEvents.all {
            #expect(EventCatalog.standard.spec(for: name) != nil, "\(name)")
            #expect(EventCatalog.standard.canonicalName(of: name) == name, "\(name)")
        }
        // Output audio is found by the stream payload: the beta and GA delta names both have it.
        for name in ["response.audio.delta", "response.output_audio.delta"] {
            let canonical = EventCatalog.standard.canonicalName(of: name)
            #expect(EventCatalog.standard.spec(for: canonical)?.stream?.payload == .audio, "\(name)")
        }
    }

    @Test func theClientsLastTruncateWinsOverTheServersCut() throws {
        var cuts = AudioCuts()
        cuts.firstOutput(item: "a", response: "r")
        cuts.consume(
            AudioEvents.truncated, try Self.event(#"{"item_id":"a","audio_end_ms":900}"#), line: 3, tUs: 0)
        #expect(cuts.cut(of: "a") == AudioCuts.Cut(ms: 900, line: 3))
        cuts.consume(AudioEvents.truncate, try Self.event(#"{"item_id":"a","audio_end_ms":500}"#), line: 4, tUs: 0)
        cuts.consume(AudioEvents.truncate, try Self.event(#"{"item_id":"a","audio_end_ms":400}"#), line: 5, tUs: 0)
        cuts.consume(
            AudioEvents.truncated, try Self.event(#"{"item_id":"a","audio_end_ms":800}"#), line: 6, tUs: 0)
        #expect(cuts.cut(of: "a") == AudioCuts.Cut(ms: 400, line: 5))
        #expect(cuts.cut(of: "b") == nil)
    }

    @Test func aClearedBufferCutsThePlayingResponsesItemsInWholeMilliseconds() throws {
        var cuts = AudioCuts()
        cuts.firstOutput(item: "a", response: "r1")
        cuts.firstOutput(item: "b", response: "r1")
        cuts.firstOutput(item: "c", response: "r2")
        cuts.consume(AudioEvents.playbackStarted, try Self.event(#"{"response_id":"r1"}"#), line: 7, tUs: 1_000_000)
        cuts.consume(AudioEvents.playbackCleared, try Self.event("{}"), line: 9, tUs: 1_250_900)
        #expect(cuts.cut(of: "a") == AudioCuts.Cut(ms: 250, line: 9))
        #expect(cuts.cut(of: "b") == AudioCuts.Cut(ms: 250, line: 9))
        #expect(cuts.cut(of: "c") == nil)
        // Stopped playback cuts nothing when the buffer is cleared afterwards.
        cuts.consume(AudioEvents.playbackStarted, try Self.event(#"{"response_id":"r2"}"#), line: 10, tUs: 2_000_000)
        cuts.consume(AudioEvents.playbackStopped, try Self.event("{}"), line: 11, tUs: 2_100_000)
        cuts.consume(AudioEvents.playbackCleared, try Self.event("{}"), line: 12, tUs: 2_200_000)
        #expect(cuts.cut(of: "c") == nil)
    }
}
