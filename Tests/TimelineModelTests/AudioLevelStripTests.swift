import Foundation
import RealtimeSession
import Testing

@testable import TimelineModel

/// A hand-made recording with known audio (fixtures built here, not recorded): a voice turn whose
/// input is a full-scale 1 kHz sine and whose answer is a quieter sine, cut by the client's truncate.
enum AudioSession {
    static let header =
        #"{"format":"rtscope-recording","version":1,"conn":"c0a9","created":"2026-11-25T09:00:00.000000Z","dialect":"beta","source":"synthetic","tool":"AudioLevelStripTests"}"#

    /// `count` samples of a sine of `hz` at 24 kHz with peak `amplitude`.
    static func sine(_ amplitude: Double, hz: Double = 1000, count: Int = 2400) -> [Int16] {
        (0..<count).map { Int16((amplitude * sin(2 * Double.pi * hz * Double($0) / 24000)).rounded()) }
    }

    static func base64(_ samples: [Int16]) -> String {
        Data(samples.flatMap { [UInt8(UInt16(bitPattern: $0) & 0xFF), UInt8(UInt16(bitPattern: $0) >> 8)] })
            .base64EncodedString()
    }

    /// The RMS of `samples` in dBFS, computed here without the code under test.
    static func rmsDBFS(_ samples: [Int16]) -> Double {
        let mean = samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(samples.count)
        return 10 * log10(mean / (32768.0 * 32768.0))
    }

    static let loud = sine(32767)
    static let quiet = sine(3277)

    /// Events at 100 ms apart: 5 input appends, the turn, 6 output deltas of 100 ms each, and a
    /// truncate at 250 ms (the last three deltas unheard).
    static var events: [(String, String)] {
        let r = #""response_id":"resp_A1","item_id":"item_out","output_index":0,"content_index":0"#
        var events: [(String, String)] = [
            ("s2c", #"{"type":"session.created","event_id":"e0","session":{"id":"sess_A","model":"m"}}"#)
        ]
        for k in 0..<5 {
            events.append(
                ("c2s", #"{"type":"input_audio_buffer.append","event_id":"c\#(k)","audio":"\#(base64(loud))"}"#))
        }
        events += [
            (
                "s2c",
                #"{"type":"input_audio_buffer.speech_started","event_id":"e1","audio_start_ms":0,"item_id":"item_in"}"#
            ),
            (
                "s2c",
                #"{"type":"input_audio_buffer.speech_stopped","event_id":"e2","audio_end_ms":500,"item_id":"item_in"}"#
            ),
            (
                "s2c",
                #"{"type":"input_audio_buffer.committed","event_id":"e3","previous_item_id":null,"item_id":"item_in"}"#
            ),
            (
                "s2c",
                #"{"type":"response.created","event_id":"e4","response":{"id":"resp_A1","object":"realtime.response","status":"in_progress","output":[]}}"#
            ),
        ]
        for k in 0..<6 {
            events.append(
                ("s2c", #"{"type":"response.audio.delta","event_id":"d\#(k)",\#(r),"delta":"\#(base64(quiet))"}"#))
        }
        events += [
            (
                "c2s",
                #"{"type":"conversation.item.truncate","event_id":"c9","item_id":"item_out","content_index":0,"audio_end_ms":250}"#
            ),
            (
                "s2c",
                #"{"type":"response.done","event_id":"e5","response":{"id":"resp_A1","object":"realtime.response","status":"cancelled","output":[]}}"#
            ),
        ]
        return events
    }

    static var text: String {
        let frames = events.enumerated().map { k, event in
            #"{"seq":\#(k + 1),"t_us":\#(k * 100_000),"wall":"2026-11-25T09:00:00.000000Z","conn":"c0a9","dir":"\#(event.0)","op":"text","event":\#(event.1)}"#
        }
        return ([header] + frames).joined(separator: "\n") + "\n"
    }

    static func model(width: Int = 100, height: Int = 30, name: String = "audio.jsonl") throws -> (
        MemoryEventStore, TimelineModel
    ) {
        let store = MemoryEventStore(text: text, name: name)
        return (store, TimelineModel(source: try TimelineSource(store: store), width: width, height: height))
    }
}

struct AudioLevelStripTests {
    @Test func aFullScaleSineMeasuresMinus3dBFSAsComputedIndependently() throws {
        let expected = AudioSession.rmsDBFS(AudioSession.loud)
        #expect(abs(expected - -3.0103) < 0.001)
        var (_, m) = try AudioSession.model()
        m.press(.char("l"))
        let levels = try #require(m.frame.levels)
        #expect(levels.scanned == 1)
        let inputs = levels.input.compactMap { $0 }
        #expect(!inputs.isEmpty)
        for level in inputs { #expect(abs(level - expected) < 1e-6) }
        let quiet = AudioSession.rmsDBFS(AudioSession.quiet)
        #expect(abs(quiet - -23.01) < 0.01)
        for level in levels.output.compactMap({ $0 }) { #expect(abs(level - quiet) < 1e-6) }
        // Input sits in the columns of the append events, output in those of the deltas, nothing elsewhere.
        let source = m.source
        let appendColumns = Set((1...5).map { source.rulerColumn($0, width: 100) })
        #expect(Set(levels.input.indices.filter { levels.input[$0] != nil }) == appendColumns)
        let deltaColumns = Set((10...15).map { source.rulerColumn($0, width: 100) })
        #expect(Set(levels.output.indices.filter { levels.output[$0] != nil }) == deltaColumns)
    }

    @Test func outputPastTheTruncateIsMarkedUnheard() throws {
        var (_, m) = try AudioSession.model()
        m.press(.char("l"))
        let levels = try #require(m.frame.levels)
        // Deltas start at 0, 100, 200 ms (heard: they start before the 250 ms cut) and 300, 400, 500 ms (not).
        let columns = (10...15).map { m.source.rulerColumn($0, width: 100) }
        #expect(columns.map { levels.unheard[$0] } == [false, false, false, true, true, true])
        let strip = TimelineView.render(m).text.split(separator: "\n", omittingEmptySubsequences: false)[3]
        let glyphs = columns.map { strip[strip.index(strip.startIndex, offsetBy: $0)] }
        #expect(glyphs == ["▅", "▅", "▅", "▒", "▒", "▒"])
    }

    @Test func levelsMapToBlocksAndShades() {
        #expect(LevelStripView.block(-3.01) == "█")
        #expect(LevelStripView.block(-7.6) == "▇")
        #expect(LevelStripView.block(-23.01) == "▅")  // ceil((60 - 23.01) / 7.5) = 5th block
        #expect(LevelStripView.block(-59) == "▁")
        #expect(LevelStripView.block(-.infinity) == "▁")
        #expect(LevelStripView.shade(-50) == "░" && LevelStripView.shade(-23) == "▒" && LevelStripView.shade(-3) == "▓")
    }

    /// Snapshot of the widget alone: a hand-made frame of 12 columns.
    @Test func theStripWidgetDrawsInputAboveOutput() {
        let levels = LevelStripFrame(
            input: [-3, -30, nil, nil, nil, nil, nil, nil, -70, nil, nil, nil],
            output: [nil, nil, nil, -10, -20, -45, -45, -3, nil, nil, nil, nil],
            unheard: [false, false, false, false, false, false, true, true, false, false, false, false], scanned: 1)
        var screen = ScreenBuffer(width: 12, height: 2)
        LevelStripView.render(levels, Area(x: 0, y: 0, width: 12, height: 2), into: &screen)
        #expect(screen.text == "█▄      ▁\n   ▇▆▂░▓")
        #expect(screen[6, 1].style == .dim && screen[5, 1].style == .response && screen[0, 0].style == .audio)
    }

    @Test func theStripTakesTwoRowsUnderTheRulerAndHidesAgain() throws {
        var (_, m) = try AudioSession.model()
        let before = TimelineView.render(m).text.split(separator: "\n", omittingEmptySubsequences: false)
        m.press(.char("l"))
        let with = TimelineView.render(m).text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(with[4] == before[2])  // the list moved down two rows
        #expect(with.last?.contains("upper row the user's input") == true)
        m.press(.char("l"))
        #expect(m.frame.levels == nil)
        #expect(TimelineView.render(m).text.split(separator: "\n", omittingEmptySubsequences: false)[2] == before[2])
    }

    @Test func theScanReadsOnlyAudioAndFormatLinesOnceAndInBoundedSteps() throws {
        var (store, m) = try AudioSession.model()
        let before = store.eventReads
        m.press(.char("l"))
        let audioLines = 5 + 6 + 2  // appends, deltas, session.created, truncate
        #expect(store.eventReads - before <= audioLines + 20)  // plus what the screen itself reads
        let afterScan = store.eventReads
        m.resize(width: 80, height: 30)  // another width: summed again from the measurements, not read again
        #expect(m.frame.levels?.input.count == 80)
        m.press(.char("l"))
        m.press(.char("l"))
        #expect(store.eventReads - afterScan <= 20)
        #expect(m.levelScanChunks == 11)
    }
}

struct AudioPlaybackActionTests {
    @Test func aOnTheAnswerPlaysItsTurnAndASecondPressStops() throws {
        var (_, m) = try AudioSession.model()
        for key in Key.script(":13<enter>") { m.press(key) }  // a response.audio.delta line
        m.press(.char("a"))
        #expect(
            m.takeEffects() == [
                .play(
                    PlaybackRequest(
                        recording: "audio.jsonl", part: .turn(number: 1, item: "item_in", response: "resp_A1"),
                        label: "turn 1"))
            ])
        #expect(m.takeEffects().isEmpty)
        m.playbackStarted("playing turn 1 (0.8 s) with aplay")
        #expect(TimelineView.render(m).text.hasSuffix("playing turn 1 (0.8 s) with aplay"))
        m.press(.char("a"))
        #expect(m.takeEffects() == [.stopPlayback])
        #expect(m.state.playback == nil)
    }

    @Test func aOnTheUsersAudioPlaysTheSameTurn() throws {
        var (_, m) = try AudioSession.model()
        m.press(.char("j"))  // the first append: before the commit names the item
        m.press(.char("a"))
        guard case .play(let request)? = m.takeEffects().first else {
            Issue.record("no play effect")
            return
        }
        #expect(request.part == .turn(number: 1, item: "item_in", response: "resp_A1"))
    }

    @Test func capitalAPlaysTheMixFromTheCursorAndEscStops() throws {
        var (_, m) = try AudioSession.model()
        for key in Key.script(":8<enter>") { m.press(key) }  // line 8: the 7th frame, at 600 ms
        m.press(.char("A"))
        #expect(
            m.takeEffects() == [
                .play(
                    PlaybackRequest(recording: "audio.jsonl", part: .mix(fromUs: 600_000), label: "the mix from 0.6 s"))
            ])
        m.playbackStarted("playing the mix")
        m.press(.escape)
        #expect(m.takeEffects() == [.stopPlayback])
        m.press(.escape)  // nothing plays: nothing to stop
        #expect(m.takeEffects().isEmpty)
    }

    @Test func aResponseOutsideAnyTurnAndNoAudioAtAll() throws {
        var (_, memory) = try MemorySession.model()  // response.create, no voice turn
        memory.press(.char("G"))
        memory.press(.char("a"))
        #expect(
            memory.takeEffects() == [
                .play(PlaybackRequest(recording: "memory.jsonl", part: .response("resp_M1"), label: "response resp_M1"))
            ])
        memory.playbackEnded("played response resp_M1")
        memory.press(.char("g"))  // session.created: no response, no turn
        memory.press(.char("a"))
        #expect(memory.takeEffects().isEmpty)
        #expect(memory.state.message?.hasPrefix("no voice turn or response here") == true)
    }

    @Test func standardInputCannotBePlayed() throws {
        var (_, m) = try AudioSession.model(name: "-")
        m.press(.char("a"))
        #expect(m.takeEffects().isEmpty)
        #expect(m.state.message == "playback needs a file: this recording came from standard input")
    }
}
