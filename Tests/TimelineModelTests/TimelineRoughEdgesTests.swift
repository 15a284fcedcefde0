import Foundation
import RealtimeProtocol
import RealtimeRecording
import Testing

@testable import TimelineModel

struct FittingTests {
    static func lines(_ name: String, width: Int, keys: String = "jjj") throws -> (header: String, footer: String) {
        let rows = TimelineView.render(try model(name, width: width, height: 24, keys: keys)).text
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return (rows[0], rows[rows.count - 1])
    }

    /// The header and the key hints are abbreviated to fit, never cut mid-word: each ends with a whole part.
    @Test(arguments: [80, 100, 120, 160])
    func headerAndHintsFitWithoutCuttingWords(_ width: Int) throws {
        for name in ["errors.jsonl", "barge-in.jsonl"] {
            let (header, footer) = try Self.lines(name, width: width)
            #expect(DisplayWidth.of(header) <= width && DisplayWidth.of(footer) <= width)
            #expect(header.hasPrefix(" \(name) · "), "\(header)")
            let last = header.components(separatedBy: " · ").last ?? ""
            #expect(
                last == "folded" || last.range(of: #"^(row )?\d+/\d+$"#, options: .regularExpression) != nil,
                "\(header)")
            #expect(footer.hasSuffix("q quit") || footer.hasSuffix("? help"), "\(footer)")
            #expect(footer.contains("? help"))
        }
        let wide = try Self.lines("errors.jsonl", width: 160)
        #expect(wide.header.contains("33 events (→7 ←26) · 0 errors 3 warnings · row 4/23 · folded"))
        #expect(wide.footer.contains("r related"))
    }

    @Test func aLongFileNameIsShortenedWithAnEllipsis() {
        let forms = [[String(repeating: "n", count: 60) + ".jsonl"], ["beta", ""], ["row 1/2", "1/2"]]
        let text = Fitting.line(forms, shrink: [1, 2], ellipsize: 0, width: 40)
        #expect(DisplayWidth.of(text) == 40)
        #expect(text.hasSuffix("… · 1/2"))
    }

    @Test func aLongPromptKeepsItsEndInView() throws {
        var m = try model("errors.jsonl", width: 40, height: 12)
        for key in Key.script("/" + String(repeating: "a", count: 60) + "xyz") { m.press(key) }
        let footer = TimelineView.render(m).text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(footer.hasSuffix("axyz▏"), "\(footer)")
    }
}

struct RelatedAndTimingTests {
    @Test func relatedOnSessionUpdatedGoesToItsSessionUpdate() throws {
        let m = try model("text-in-text-out.jsonl", keys: "/session.updated<enter>")
        #expect(type(m) == "session.updated")
        var related = m
        related.press(.char("r"))
        #expect(type(related) == "session.update")
        #expect(related.state.message == "related: line 4")  // after beta's conversation.created
    }

    /// A log imported without timestamps (this fixture has none) says so instead of showing zeros.
    @Test func anUntimedImportSaysSo() throws {
        let log = Paths.root.appendingPathComponent("Tests/RealtimeRecordingTests/Fixtures/imports/events.jsonl").path
        let source = try TimelineSource.load(log)
        #expect(!source.hasTiming)
        var m = TimelineModel(source: source, width: 100, height: 30)
        m.press(.char("j"))
        let screen = TimelineView.render(m).text
        #expect(screen.contains(" · no timing in source · "))
        #expect(!screen.contains("0.000") && !screen.contains("over 0 ms") && !screen.contains("0.0 s"))
        // Replay cannot follow times that are not there: it steps one event at a time.
        m.press(.char(" "))
        #expect(m.state.message == "playing one event per step (no timing in source)")
        let before = m.state.cursor
        m.tick(elapsedUs: 1_000)
        #expect(m.state.cursor == before + 1)
        let timed = TimelineView.render(try model("text-in-text-out.jsonl")).text
        #expect(timed.contains("85.000") && timed.contains(" over ") && !timed.contains("no timing"))
    }
}

struct HostileTextTests {
    /// ESC (a CSI and an OSC 52 clipboard write ended by BEL), a C1 CSI (U+009B) and RIGHT-TO-LEFT OVERRIDE (U+202E).
    static let hostile = #"\u001b[2J\u001b]52;c;SGVsbG8=\u0007\u009b31m\u202Eevil"#
    static let scalars: [UInt32] = [0x1B, 0x07, 0x9B, 0x202E]

    /// Hand-made from the audio sample: the hostile text in a transcript delta, an item id (everywhere it occurs, so
    /// the conversation shows it too) and an added server error's message.
    static func recording() throws -> String {
        var text = try sampleText("audio-vad.jsonl")
        text = text.replacingOccurrences(of: #""delta":"Hello""#, with: #""delta":"Hello \#(hostile)""#)
        text = text.replacingOccurrences(of: "item_A101", with: "item_\(hostile)")
        text +=
            #"{"seq":99,"t_us":9000000,"dir":"s2c","op":"text","event":{"type":"error","event_id":"event_X","error":{"type":"invalid_request_error","code":"x","message":"bad \#(hostile)","event_id":null}}}"#
            + "\n"
        // The file name carries it too (the title shows the name).
        return try temporaryFile(text, name: "name\u{1b}]0;t\u{07}\u{9b}\u{202E}")
    }

    static func rawScalars(_ screen: ScreenBuffer) -> Set<UInt32> {
        var found: Set<UInt32> = []
        for cell in screen.cells {
            for s in cell.text.unicodeScalars where scalars.contains(s.value) { found.insert(s.value) }
        }
        return found
    }

    @Test func noRawControlOrBidiScalarReachesTheScreen() throws {
        let path = try Self.recording()
        defer { unlink(path) }
        var screens: [ScreenBuffer] = []
        for (width, keys) in [
            (100, "jjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjG"), (140, "/evil<enter>"), (140, "/evil<enter>n"),
            (140, "z/evil<enter>"), (100, "e"), (100, "G<tab>jj"), (80, "/transcript.delta<enter>c"),
        ] {
            var m = TimelineModel(source: try TimelineSource.load(path), width: width, height: 40)
            screens += renderAll(&m, keys: keys)
            // The search prompt echoes what is typed.
            for key: Key in [.char("/"), .char("\u{9b}"), .char("\u{202E}"), .char("\u{07}")] { m.press(key) }
            screens.append(TimelineView.render(m))
        }
        let all = screens.map(\.text).joined(separator: "\n")
        // The hostile text is on screen, visibly escaped, in each place.
        #expect(all.contains(#"\e[2J\e]52;c;SGVsbG8=\x07"#))
        #expect(all.contains("\"Hello \\e[2J"))  // the delta row and the conversation
        #expect(all.contains("bad \\e[2J"))  // the error's message
        #expect(all.contains("name\\e]0;t\\x07"))  // the title
        let found = screens.reduce(into: Set<UInt32>()) { $0.formUnion(Self.rawScalars($1)) }
        #expect(found.isDisjoint(with: [0x1B, 0x07, 0x9B]))
        // Bidi controls: escaped once SafeText.escape learns them (being extended on another branch).
        withKnownIssue("SafeText.escape does not escape bidi controls yet") {
            #expect(!found.contains(0x202E))
        } when: {
            SafeText.escape("\u{202E}") == "\u{202E}"
        }
    }

    /// Escaping happens once, where text enters the screen: summaries keep the payload's characters (so `\` in a
    /// payload is not doubled, whatever SafeText does to it), and the cell shows the escape.
    @Test func summariesAreEscapedOnceByTheScreenBuffer() throws {
        let path = try Self.recording()
        defer { unlink(path) }
        let source = try TimelineSource.load(path)
        let error = try #require(source.index.entries.indices.last)
        #expect(source.summary(error).contains("bad \u{1b}[2J"))
        var m = TimelineModel(source: source, width: 140, height: 40)
        m.press(.char("G"))
        let screen = TimelineView.render(m).text
        #expect(screen.contains("message=\"bad \\e[2J") || screen.contains("bad \\e[2J"))
        #expect(!screen.contains("\\\\e"))
    }
}

struct HelpOverlayTests {
    /// At 80×24 the help overlay has two columns of 37: long texts drop their parenthetical or end at a word with `…`.
    @Test func helpTextsAreShortenedAtWordsNotCut() throws {
        let screen = TimelineView.render(try model("errors.jsonl", width: 80, height: 24, keys: "?")).text
        #expect(screen.contains("e           next error "))
        #expect(!screen.contains("next error (finding or s"))
        #expect(screen.contains("previous event / scroll…"))
        #expect(Fitting.words("next error (finding or server error event)", to: 12) == "next error")
        #expect(Fitting.words("previous in same response", to: 20) == "previous in same…")
        #expect(Fitting.words("unbreakable", to: 5) == "unbr…")
    }
}
