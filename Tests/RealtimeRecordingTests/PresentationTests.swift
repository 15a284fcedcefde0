import Foundation
import RealtimeProtocol
import Testing

@testable import RealtimeRecording

/// Reads a sample and applies `filter`, returning the selected lines' numbers.
private func select(_ path: String, _ filter: FrameFilter) throws -> [Int] {
    var filter = filter
    var numbers: [Int] = []
    try RecordingReader(source: try FileSource(path: path)).read { event in
        if case .line(let line) = event, line.kind == .frame, filter.matches(line) { numbers.append(line.number) }
        return true
    }
    return numbers
}

struct PresentationTests {
    static let sample = TestPaths.repoRoot.appendingPathComponent("recordings/text-in-text-out.jsonl").path

    /// Filters and indexes rely on the scanner for response, item and call ids: every path where
    /// the catalog says such an id lives must be one the scanner captures.
    @Test func scannerCapturesEveryResponseItemAndCallIDPathOfTheCatalog() {
        let captured = Set(ScanSlot.allCases.compactMap(\.eventPath))
        let scanned: Set<IDKind> = [.response, .item, .previousItem, .call]
        for spec in EventCatalog.standard.events {
            for id in spec.ids where scanned.contains(id.kind) {
                #expect(captured.contains(id.path), "\(spec.name): \(id.path)")
            }
        }
    }

    @Test func filtersByTypeDirectionIDsAndTime() throws {
        #expect(try select(Self.sample, FrameFilter(types: [TypeGlob("response.*.delta")])).count == 7)
        #expect(try select(Self.sample, FrameFilter(direction: .clientToServer)) == [4, 6, 8])
        let response = try select(Self.sample, FrameFilter(responseID: "resp_T001"))
        // created, item added, part added, 7 deltas, text done, part done, item done, done
        #expect(response.count == 14)
        #expect(try select(Self.sample, FrameFilter(itemID: "item_U001")) == [6, 7])
        #expect(try select(Self.sample, FrameFilter(sinceMs: 380, untilMs: 440)).count == 4)
        #expect(try select(Self.sample, FrameFilter(types: [TypeGlob("nothing")])).isEmpty)
    }

    /// Hand-made: an unknown type's first scalar fields, with an integer beyond 64 bits (kept exact), a negative
    /// float and a control character (escaped only when asked: the timeline escapes at `ScreenBuffer.put`).
    @Test func unusualValuesSummarizeExactly() throws {
        let event = try JSON(parsing: #"{"type":"x.unknown","n":-0.25,"big":12345678901234567890,"s":"\u00e9\u0007"}"#)
        #expect(EventSummary.summarize(event, spec: nil, escaped: true) == "big=12345678901234567890 n=-0.25 s=é\\x07")
        #expect(
            EventSummary.summarize(event, spec: nil, escaped: false) == "big=12345678901234567890 n=-0.25 s=é\u{07}")
    }

    @Test func summariesComeFromCatalogFieldsAndAreTerminalSafe() {
        let catalog = EventCatalog.standard
        let delta: JSON = ["type": "response.text.delta", "delta": "hi\u{1B}[2J"]
        #expect(EventSummary.summarize(delta, spec: catalog.spec(for: "response.text.delta")) == "\"hi\\e[2J\"")
        let error: JSON = ["type": "error", "error": ["code": "x", "message": "m", "event_id": "evt_1"]]
        #expect(EventSummary.summarize(error, spec: catalog.spec(for: "error")) == "code=x \"m\" event_id=evt_1")
        #expect(EventSummary.audio(base64Length: 6400) == "audio 4.7 KB ≈ 100 ms")
        #expect(EventSummary.summarize(["type": "x.y", "a": 1, "b": "s"], spec: nil) == "a=1 b=s")
    }

    @Test func foldsInterleavedStreamsSeparatelyUntilANonDelta() {
        let catalog = EventCatalog.standard
        var folder = DeltaFolder()
        func offer(_ type: String, _ fields: [String: Any], _ t: Int64) -> ([DeltaFold], Bool) {
            var event = fields
            event["type"] = type
            return folder.offer(
                type: type, spec: catalog.spec(for: type), event: JSON(foundation: event), tUs: t, line: Int(t))
        }
        let key: [String: Any] = ["response_id": "r", "item_id": "i", "output_index": 0, "content_index": 0]
        #expect(offer("response.audio_transcript.delta", key.merging(["delta": "He"]) { $1 }, 1).1)
        #expect(offer("response.audio.delta", key.merging(["delta": "AAAA"]) { $1 }, 2).1)
        #expect(offer("response.audio_transcript.delta", key.merging(["delta": "llo"]) { $1 }, 3).1)
        let (flushed, absorbed) = offer("response.audio.done", key, 4)
        #expect(!absorbed)
        #expect(flushed.map(\.type) == ["response.audio_transcript.delta", "response.audio.delta"])
        #expect(flushed[0].text == "Hello")
        #expect(flushed[0].count == 2)
        #expect(flushed[0].lastTUs == 3)
        #expect(flushed[1].audioBase64Length == 4)
        #expect(folder.finish().isEmpty)
    }
}
