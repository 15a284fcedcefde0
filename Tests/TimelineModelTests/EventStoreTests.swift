import Foundation
import RealtimeProtocol
import RealtimeRecording
import RealtimeSession
import Testing

@testable import TimelineModel

/// A hand-made session, built in memory (no file).
///
/// A `response.create`, then a response with three audio deltas and three text deltas, and its `response.done`.
enum MemorySession {
    static let header =
        #"{"format":"rtscope-recording","version":1,"conn":"c0m1","created":"2026-11-25T09:00:00.000000Z","dialect":"beta","source":"synthetic","tool":"EventStoreTests"}"#

    static func frame(_ seq: Int, _ dir: String, _ event: String) -> String {
        #"{"seq":\#(seq),"t_us":\#(seq * 10_000),"wall":"2026-11-25T09:00:00.000000Z","conn":"c0m1","dir":"\#(dir)","op":"text","event":\#(event)}"#
    }

    static var events: [(String, String)] {
        let response = #""response_id":"resp_M1","item_id":"item_M1","output_index":0,"content_index":0"#
        return [
            (
                "s2c",
                #"{"type":"session.created","event_id":"event_M0","session":{"id":"sess_M","model":"gpt-4o-realtime-preview"}}"#
            ),
            ("c2s", #"{"type":"response.create","event_id":"evt_M1"}"#),
            (
                "s2c",
                #"{"type":"response.created","event_id":"event_M1","response":{"id":"resp_M1","object":"realtime.response","status":"in_progress","output":[]}}"#
            ),
            (
                "s2c",
                #"{"type":"response.output_item.added","event_id":"event_M2","response_id":"resp_M1","output_index":0,"item":{"id":"item_M1","object":"realtime.item","type":"message","role":"assistant","status":"in_progress","content":[]}}"#
            ),
            ("s2c", #"{"type":"response.audio.delta","event_id":"event_M3",\#(response),"delta":"AAAAAAAA"}"#),
            ("s2c", #"{"type":"response.audio.delta","event_id":"event_M4",\#(response),"delta":"AAAAAAAAAAAA"}"#),
            ("s2c", #"{"type":"response.audio.delta","event_id":"event_M5",\#(response),"delta":"AAAA"}"#),
            ("s2c", #"{"type":"response.text.delta","event_id":"event_M6",\#(response),"delta":"Hello"}"#),
            ("s2c", #"{"type":"response.text.delta","event_id":"event_M7",\#(response),"delta":", memory"}"#),
            ("s2c", #"{"type":"response.text.delta","event_id":"event_M8",\#(response),"delta":" store."}"#),
            (
                "s2c",
                #"{"type":"response.output_item.done","event_id":"event_M9","response_id":"resp_M1","output_index":0,"item":{"id":"item_M1","object":"realtime.item","type":"message","role":"assistant","status":"completed","content":[{"type":"text","text":"Hello, memory store."}]}}"#
            ),
            (
                "s2c",
                #"{"type":"response.done","event_id":"event_M10","response":{"id":"resp_M1","object":"realtime.response","status":"completed","output":[]}}"#
            ),
        ]
    }

    static var text: String {
        ([header] + events.enumerated().map { frame($0.offset + 1, $0.element.0, $0.element.1) }).joined(
            separator: "\n")
            + "\n"
    }

    static func model(width: Int = 120, height: Int = 30) throws -> (MemoryEventStore, TimelineModel) {
        let store = MemoryEventStore(text: text, name: "memory.jsonl")
        let source = try TimelineSource(store: store)
        return (store, TimelineModel(source: source, width: width, height: height))
    }
}

struct MemoryStoreModelTests {
    @Test func buildsRowsFindingsAndSessionFromMemory() throws {
        let (_, m) = try MemorySession.model()
        #expect(m.source.index.entries.count == 12)
        #expect(m.source.caughtUp)
        #expect(m.source.sentCount == 1)
        // Folded: the three audio deltas and the three text deltas are one row each.
        #expect(m.rows.count == 8)
        #expect(m.rows.filter(\.isFold).map(\.folded.count) == [3, 3])
        let session = m.source.sessionModel
        #expect(session.responses.map(\.id) == ["resp_M1"])
        #expect(session.responses.first?.status == "completed")
        #expect(session.clientEvents == 1 && session.serverEvents == 11)
    }

    @Test func foldSummariesComeFromTheIndexAndTheStore() throws {
        let (_, m) = try MemorySession.model()
        let screen = TimelineView.render(m).text
        // 8 + 12 + 4 base64 characters of audio, and the three text deltas joined.
        #expect(screen.contains("response.audio.delta ×3 \(EventSummary.audio(base64Length: 24)) over 20 ms"))
        #expect(screen.contains("response.text.delta ×3 \"Hello, memory store.\" over 20 ms"))
    }

    @Test func theSameRecordingInMemoryAndOnDiskDrawsTheSameScreens() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-store-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("memory.jsonl").path  // the same name as the memory store's
        try MemorySession.text.write(toFile: path, atomically: true, encoding: .utf8)
        var onDisk = TimelineModel(source: try TimelineSource.load(path), width: 120, height: 30)
        var (_, inMemory) = try MemorySession.model()
        for key in Key.script("jjjjzjjcs<tab>j") {
            onDisk.press(key)
            inMemory.press(key)
            #expect(
                TimelineView.render(onDisk).text.replacingOccurrences(
                    of: (path as NSString).lastPathComponent, with: "")
                    == TimelineView.render(inMemory).text.replacingOccurrences(of: "memory.jsonl", with: ""))
        }
    }

    @Test func followsAGrowingStoreAndReportsOneThatShrinks() throws {
        let lines = MemorySession.text.split(separator: "\n").map(String.init)
        let store = MemoryEventStore(text: lines[0..<5].joined(separator: "\n") + "\n" + lines[5].prefix(20))
        var m = TimelineModel(source: try TimelineSource(store: store, following: true), width: 100, height: 30)
        #expect(m.source.index.entries.count == 4)  // the partial fifth frame waits
        store.append(String(lines[5].dropFirst(20)) + "\n" + lines[6...].joined(separator: "\n") + "\n")
        #expect(try m.refresh())
        #expect(m.source.index.entries.count == 12)
        #expect(TimelineView.render(m).text.contains("response.done"))
        store.truncate(to: 100)
        #expect(throws: RecordingError.self) { try m.refresh() }
    }
}

/// Drawing reads nothing: the store counts every read by offset.
struct RenderReadsNothingTests {
    @Test func drawingTheSameStateAgainReadsNothing() throws {
        let (store, m) = try MemorySession.model()
        let before = store.eventReads
        #expect(before > 0)  // the model read what the first screen shows when it prepared it
        let first = TimelineView.render(m)
        for _ in 0..<5 { #expect(TimelineView.render(m) == first) }
        #expect(TimelineView.render(m.frame) == first)
        #expect(store.eventReads == before)
    }

    /// Even with every cache emptied, drawing reads nothing: the frame already holds what the screen shows.
    @Test func drawingNeedsNoCache() throws {
        for (width, keys) in [(120, "jjjjj"), (80, "jjjjjc"), (120, "jjjs"), (80, "Gz<tab>"), (100, "ljj")] {
            var (store, m) = try MemorySession.model(width: width)
            for key in Key.script(keys) { m.press(key) }
            let first = TimelineView.render(m)
            m.source.clearCaches()
            let reads = store.eventReads
            #expect(TimelineView.render(m) == first, "\(keys)")
            #expect(store.eventReads == reads, "\(keys)")
        }
    }

    @Test func keysThatKeepTheScreenReadNothingAgain() throws {
        var (store, m) = try MemorySession.model(width: 120)  // wide: detail and conversation both shown
        for key in Key.script("GggG") { m.press(key) }  // everything read once
        let reads = store.eventReads
        // Staying on the same event while panes and overlays change: the caches answer.
        for key in Key.script("s<tab>s<tab>c?<esc>") {
            m.press(key)
            _ = TimelineView.render(m)
        }
        m.resize(width: 120, height: 30)
        _ = TimelineView.render(m)
        #expect(store.eventReads == reads)
    }

    @Test func anAudioFoldIsSummedWithoutReadingItsDeltas() throws {
        let (store, m) = try MemorySession.model()
        let source = m.source
        let fold = try #require(m.rows.first { $0.isFold && source.index.type(of: $0.entry) == "response.audio.delta" })
        let before = store.eventReads
        source.foldCache.removeAll()
        #expect(source.foldSummary(fold).hasPrefix(EventSummary.audio(base64Length: 24)))
        #expect(store.eventReads == before)
    }

    @Test func aTextFoldIsReadOnceThenCached() throws {
        let (store, m) = try MemorySession.model()
        let source = m.source
        let fold = try #require(m.rows.first { $0.isFold && source.index.type(of: $0.entry) == "response.text.delta" })
        source.foldCache.removeAll()
        source.decodedCache.removeAll()
        let before = store.eventReads
        let summary = source.foldSummary(fold)
        #expect(store.eventReads == before + 3)
        for _ in 0..<3 {
            source.decodedCache.removeAll()  // only the fold's own cache is left to answer
            #expect(source.foldSummary(fold) == summary)
        }
        #expect(store.eventReads == before + 3)
    }

    @Test func aReplayTickThatDoesNotMoveReadsNothing() throws {
        var (store, m) = try MemorySession.model()
        m.press(.char(" "))  // play
        let reads = store.eventReads
        m.tick(elapsedUs: 1)  // 1 µs: the clock does not reach the next event
        _ = TimelineView.render(m)
        #expect(store.eventReads == reads)
    }

    @Test func aFileBackedTimelineDoesNotReadTheFileToDraw() throws {
        var m = TimelineModel(
            source: try TimelineSource.load(Paths.sample("barge-in.jsonl")), width: 140, height: 40)
        for key in Key.script("jjjjc") { m.press(key) }
        let store = try #require(m.source.store as? FileEventStore)
        let reads = store.eventReads
        for _ in 0..<10 { _ = TimelineView.render(m) }
        #expect(store.eventReads == reads)
    }
}
