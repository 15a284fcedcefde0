import Foundation
import RealtimeProtocol
import RealtimeRecording
import RealtimeSession
import RealtimeValidation
import Testing

@testable import TimelineModel

enum Paths {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static func sample(_ name: String) -> String { root.appendingPathComponent("recordings/\(name)").path }
    static let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Snapshots")
    static var samples: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("recordings").path)) ?? [])
            .filter { $0.hasSuffix(".jsonl") }.sorted()
    }
}

func model(_ name: String, width: Int = 100, height: Int = 30, keys: String = "") throws -> TimelineModel {
    var model = TimelineModel(source: try TimelineSource.load(Paths.sample(name)), width: width, height: height)
    for key in Key.script(keys) { model.press(key) }
    return model
}

func type(_ model: TimelineModel) -> String? { model.currentEntry.flatMap { model.source.index.type(of: $0) } }

struct KeyScriptTests {
    @Test func parsesLettersAndNamedKeys() {
        #expect(
            Key.script("jj/err<enter><tab><esc>") == [
                .char("j"), .char("j"), .char("/"), .char("e"), .char("r"), .char("r"), .enter, .tab, .escape,
            ])
        #expect(
            Key.script("<pgdn><pgup><home><end><lt>x<bogus>") == [
                .pageDown, .pageUp, .home, .end, .char("<"), .char("x"), .char("<"), .char("b"), .char("o"), .char("g"),
                .char("u"), .char("s"), .char(">"),
            ])
    }

    @Test func everyBindingHasHelpAndUniqueKeys() {
        var seen: Set<Key> = []
        for binding in Keymap.bindings {
            #expect(!binding.help.isEmpty)
            for key in binding.keys { #expect(seen.insert(key).inserted, "\(key) bound twice") }
        }
    }
}

struct TimelineReducerTests {
    @Test func movesWithinBounds() throws {
        var m = try model("text-in-text-out.jsonl")
        m.press(.char("k"))
        #expect(m.state.cursor == 0)
        m.press(.char("G"))
        #expect(m.state.cursor == m.rows.count - 1)
        #expect(type(m) == "rate_limits.updated")
        m.press(.char("j"))
        #expect(m.state.cursor == m.rows.count - 1)
        m.press(.char("g"))
        #expect(m.state.cursor == 0 && m.state.top == 0)
        m.press(.pageDown)
        #expect(m.state.cursor == m.listHeight - 1)
    }

    @Test func warningAndErrorJumps() throws {
        let m = try model("errors.jsonl", keys: "w")
        #expect(type(m) == "response.create")
        #expect(m.source.severity(m.currentEntry ?? 0) == .warning)
        let again = try model("errors.jsonl", keys: "ww")
        #expect(type(again) == "error")
        let none = try model("text-in-text-out.jsonl", keys: "e")
        #expect(none.state.cursor == 0)
        #expect(none.state.message == "no error")
        // The error sample's errors are the server's `error` events (warnings to the rules): `e` finds them too.
        let serverError = try model("errors.jsonl", keys: "e")
        #expect(type(serverError) == "error")
        #expect(TimelineView.render(serverError).text.contains("conversation_already_has_active_response"))
        let second = try model("errors.jsonl", keys: "ee")
        #expect(type(second) == "error")
        #expect(second.state.cursor > serverError.state.cursor)
    }

    @Test func findsTheErrorOfAFaultyRecordingWithE() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-tl-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let text = try String(contentsOfFile: Paths.sample("text-in-text-out.jsonl"), encoding: .utf8)
        try text.replacingOccurrences(of: #""delta":" Stockholm""#, with: #""delta":" Oslo""#).write(
            toFile: path, atomically: true, encoding: .utf8)
        var m = TimelineModel(source: try TimelineSource.load(path), width: 100, height: 30)
        m.press(.char("e"))
        #expect(type(m) == "response.text.done")
        let screen = TimelineView.render(m).text
        #expect(screen.contains("✖ error [text-accumulation]"))
        #expect(screen.contains("Expected: \"The capital of Sweden is Oslo.\""))
    }

    @Test func sameResponseNavigation() throws {
        var m = try model("function-call.jsonl", keys: "/response.created<enter>")
        #expect(type(m) == "response.created")
        m.press(.char("o"))
        #expect(type(m) == "response.output_item.added")
        m.press(.char("O"))
        #expect(type(m) == "response.created")
        m.press(.char("g"))
        m.press(.char("o"))
        #expect(m.state.message == "this event belongs to no response")
    }

    @Test func foldTogglesDeltaRows() throws {
        var m = try model("text-in-text-out.jsonl")
        let folded = m.rows.count
        #expect(m.rows.contains { $0.isFold && $0.folded.count == 7 })
        m.press(.char("z"))
        #expect(m.rows.count == folded + 6)
        #expect(!m.state.fold)
    }

    @Test func searchAndFilter() throws {
        var m = try model("errors.jsonl", keys: "/joke<enter>")
        #expect(type(m) == "conversation.item.create")
        m.press(.char("n"))
        #expect(type(m) == "conversation.item.created")
        for key in Key.script("fclient<enter>") { m.press(key) }
        #expect(m.rows.allSatisfy { m.source.index.entries[$0.entry].direction == .clientToServer })
        #expect(m.state.message == "7 of 33 events match “client”")
        m.press(.char("F"))
        #expect(m.rows.count > 7)
        for key in Key.script("fresp_E001<enter>") { m.press(key) }
        #expect(m.rows.allSatisfy { m.source.index.string(m.source.index.entries[$0.entry].responseID) == "resp_E001" })
        for key in Key.script("fzzz<esc>") { m.press(key) }
        #expect(m.state.prompt == nil && m.state.filter == "resp_E001")
    }

    @Test func helpOverlayAndQuit() throws {
        var m = try model("errors.jsonl", keys: "?")
        #expect(m.state.showHelp)
        #expect(TimelineView.render(m).text.contains("keys (? or Esc to close)"))
        m.press(.char("q"))
        #expect(!m.state.showHelp && !m.state.quit)
        m.press(.char("q"))
        #expect(m.state.quit)
    }

    @Test func detailPaneScrollsWithTab() throws {
        var m = try model("audio-vad.jsonl", width: 80, height: 24)
        m.press(.tab)
        #expect(m.state.pane == .detail)
        let before = TimelineView.render(m).text
        m.press(.char("j"))
        m.press(.char("j"))
        #expect(m.state.detailScroll == 2)
        #expect(TimelineView.render(m).text != before)
        #expect(m.state.cursor == 0)
    }
}

struct TimelineScreenTests {
    /// Golden screens at 100×30; set RECORD_SNAPSHOTS=1 to rewrite after an intended change.
    @Test(arguments: Paths.samples)
    func sampleScreen(_ name: String) throws {
        let screen = TimelineView.render(try model(name, keys: "jjj")).text
        let url = Paths.snapshots.appendingPathComponent(name.replacingOccurrences(of: ".jsonl", with: ".txt"))
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil {
            try screen.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        #expect(screen == (try String(contentsOf: url, encoding: .utf8)))
    }

    /// An imported log is read from a temporary copy: the title names the user's file, and the copy has no name in
    /// the temporary folder at all (it is unlinked once open, so not even Ctrl-C can leave it behind).
    @Test func anImportedLogIsTitledByItsOwnNameAndItsCopyHasNoName() throws {
        let log = Paths.root.appendingPathComponent("Tests/RealtimeRecordingTests/Fixtures/imports/events.jsonl").path
        let source = try TimelineSource.load(log)
        let copies = try FileManager.default.contentsOfDirectory(
            atPath: FileManager.default.temporaryDirectory.path
        ).filter { $0.hasPrefix("rtscope-view-\(getpid())-") }
        #expect(copies.isEmpty)
        let screen = TimelineView.render(TimelineModel(source: source, width: 100, height: 30)).text
        #expect(screen.hasPrefix(" events.jsonl · "))
        #expect(screen.contains("session.update"))
    }

    @Test func wideScreensShowTheConversationBesideTheDetail() throws {
        let screen = TimelineView.render(try model("barge-in.jsonl", width: 120, height: 30, keys: "G")).text
        #expect(screen.contains("── conversation at line 70: 4 items"))
        #expect(screen.contains("2 assistant ✂320ms \"\""))
        #expect(screen.contains("\"type\": \"response.done\""))
        let narrow = TimelineView.render(try model("barge-in.jsonl", width: 80, height: 24, keys: "Gc")).text
        #expect(
            narrow.contains("4 user \"[input_audio]\"") == false && narrow.contains("4 assistant \"Okay, stopping.\""))
    }

    @Test func audioIsShownAsSizeAndDurationNotBase64() throws {
        let m = try model("audio-vad.jsonl", keys: "/input_audio_buffer.append<enter>")
        let screen = TimelineView.render(m).text
        #expect(screen.contains("<base64 4.7 KB ≈ 100 ms as pcm16>"))
        #expect(!screen.contains("AAAA"))
    }

    @Test func everyRowIsExactlyTheScreenWidthWithWideCharacters() {
        var buffer = ScreenBuffer(width: 12, height: 2)
        let end = buffer.put("日本語🎧abcdef", x: 0, y: 0)
        #expect(end == 12)
        #expect(buffer.text.split(separator: "\n").first.map { DisplayWidth.of(String($0)) } == 12)
        #expect(buffer[1, 0].text == "")  // the right half of 日
        buffer.put("xx日", x: 9, y: 1)  // 日 would cross the edge: clipped, not split
        #expect(buffer[11, 1].text == " ")
    }

    @Test func payloadControlSequencesAreShownNotExecuted() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-hostile-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lines = [
            #"{"format":"rtscope-recording","version":1,"created":"x","tool":"t","source":"synthetic"}"#,
            #"{"seq":1,"t_us":0,"dir":"s2c","op":"text","event":{"type":"session.created","event_id":"e1","session":{"id":"s"}}}"#,
            #"{"seq":2,"t_us":5,"dir":"s2c","op":"text","event":{"type":"error","event_id":"e2","error":{"type":"x","message":"\u001b[2J\u001b]0;owned\u0007 bye","code":"c"}}}"#,
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        var m = TimelineModel(source: try TimelineSource.load(path), width: 100, height: 30)
        m.press(.char("j"))
        let buffer = TimelineView.render(m)
        #expect(
            !buffer.cells.contains {
                $0.text.unicodeScalars.contains { $0.value < 0x20 || ($0.value >= 0x7F && $0.value < 0xA0) }
            })
        #expect(buffer.text.contains("\\e[2J\\e]0;owned\\x07 bye"))
    }
}

struct ReplayTests {
    @Test func eventsArriveWithTheRecordedTiming() throws {
        var m = try model("text-in-text-out.jsonl", keys: "<space>")
        #expect(m.state.playing)
        #expect(m.state.clockUs == 85_000)  // session.created
        m.tick(elapsedUs: 90_000)  // clock 175 ms: update 91, updated 129, create 135, created 173 (not 179)
        #expect(type(m) == "conversation.item.created")
        m.press(.char("+"))
        #expect(m.state.speedLabel == "×2")
        m.tick(elapsedUs: 20_000)  // ×2: clock 215 ms → response.create 179 (not response.created 217)
        #expect(type(m) == "response.create")
        m.press(.char(" "))
        m.tick(elapsedUs: 1_000_000)
        #expect(type(m) == "response.create")  // paused: nothing moves
    }

    @Test func maximumSpeedMovesOneEventPerTickAndStopsAtTheEnd() throws {
        var m = try model("errors.jsonl", keys: "<space>++++++")
        #expect(m.state.speedLabel == "max")
        m.tick(elapsedUs: 0)
        #expect(m.state.cursor == 1)
        for _ in 0..<100 { m.tick(elapsedUs: 0) }
        #expect(m.state.cursor == m.rows.count - 1)
        #expect(!m.state.playing && m.state.message == "replay finished")
        m.press(.char("-"))
        #expect(m.state.speedLabel == "×16")
    }

    @Test func stepsPauseAndMoveOneEvent() throws {
        var m = try model("errors.jsonl", keys: "<space>..")
        #expect(!m.state.playing && m.state.cursor == 2)
        m.press(.char(","))
        #expect(m.state.cursor == 1)
    }

    @Test func relatedJumpsToTheRequestAnErrorAnswers() throws {
        let m = try model("errors.jsonl", keys: "wwr")
        #expect(type(m) == "response.create")
        #expect(m.state.message == "related: line 13")
        let delta = try model("text-in-text-out.jsonl", keys: "/Stockholm<enter>r")
        #expect(type(delta) == "response.created")  // the response a delta belongs to
    }

    @Test func unreadableLinesAreMarkedRowsReachableWithE() throws {
        var m = TimelineModel(
            source: try TimelineSource.load(
                Paths.root.appendingPathComponent("Tests/RealtimeRecordingTests/Fixtures/invalid-lines.jsonl").path),
            width: 100, height: 20)
        #expect(m.rows.filter { $0.issue != nil }.count == 3)
        m.press(.char("e"))
        #expect(m.currentRow?.issue?.line == 3)
        #expect(TimelineView.render(m).text.contains("✖  line 3 unreadable: invalid JSON"))
    }
}

struct ConversationTests {
    static func items(_ name: String, at type: String? = nil) throws -> [ConversationItem] {
        let source = try TimelineSource.load(Paths.sample(name))
        let last = source.index.entries.count - 1
        let entry = type.flatMap { t in source.index.entries.indices.first { source.index.type(of: $0) == t } } ?? last
        return source.conversation(at: entry).items
    }

    @Test func everyNameItReactsToIsInTheCatalog() {
        for name in ConversationEvents.all { #expect(EventCatalogCheck.contains(name), "\(name)") }
    }

    @Test func textSessionEndsWithTheQuestionAndTheAnswer() throws {
        let items = try Self.items("text-in-text-out.jsonl")
        #expect(items.map(\.role) == ["user", "assistant"])
        #expect(items.map(\.text) == ["What is the capital of Sweden?", "The capital of Sweden is Stockholm."])
    }

    @Test func midStreamTheAnswerIsPartial() throws {
        let source = try TimelineSource.load(Paths.sample("text-in-text-out.jsonl"))
        let third = source.index.entries.indices.filter { source.index.type(of: $0) == "response.text.delta" }[2]
        let items = source.conversation(at: third).items
        #expect(items.last?.text == "The capital of")
        #expect(items.last?.status == "in_progress")
    }

    @Test func truncationIsVisibleAndDropsTheTranscript() throws {
        let items = try Self.items("barge-in.jsonl")
        #expect(items.count == 4)
        #expect(items[1].truncatedAtMs == 320)
        #expect(items[1].text == "")
        #expect(items[0].text == "[input_audio]")
        #expect(items[3].text == "Okay, stopping.")
    }

    @Test func functionCallsAndGAItems() throws {
        let fn = try Self.items("function-call.jsonl")
        #expect(fn.map(\.type) == ["message", "function_call", "function_call_output", "message"])
        #expect(fn[1].text == #"{"city":"Oslo"}"#)
        let ga = try Self.items("ga-text-session.jsonl")
        #expect(ga.map(\.text) == ["Say hello in Swedish.", "Hej! Hur mår du?"])
    }

    /// The pane reads the session model: moving through a recording and asking for the conversation at every event
    /// reads no event from the store (the old replay decoded up to 256 events per answer).
    @Test func theConversationReadsNoEvents() throws {
        let text = try String(contentsOfFile: Paths.sample("barge-in.jsonl"), encoding: .utf8)
        let store = MemoryEventStore(text: text, name: "barge-in.jsonl")
        let source = try TimelineSource(store: store)
        try source.readToEnd()
        source.clearCaches()
        let before = store.eventReads
        let last = source.index.entries.count - 1
        var counts: [Int] = []
        for entry in [last, 0, last / 2, last] {
            source.clearCaches()
            counts.append(source.conversation(at: entry).items.count)
        }
        #expect(counts == [4, 0, counts[2], 4])
        #expect(source.conversation(at: last).items.last?.text == "Okay, stopping.")
        #expect(store.eventReads == before)
    }
}

enum EventCatalogCheck {
    static func contains(_ name: String) -> Bool { EventCatalog.standard.contains(name) }
}

struct FollowTests {
    @Test func picksUpAppendedLinesAndKeepsValidating() throws {
        let full = Array(FileManager.default.contents(atPath: Paths.sample("errors.jsonl")) ?? Data())
        let lines = full.split(separator: 0x0A, omittingEmptySubsequences: false)
        // The first 12 lines plus half of the 13th: what a recorder leaves mid-write.
        let cut = lines[..<12].map { Array($0) + [0x0A] }.joined() + Array(lines[12].prefix(30))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-follow-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(FileManager.default.createFile(atPath: path, contents: Data(cut)))
        var m = TimelineModel(source: try TimelineSource.load(path, follow: true), width: 100, height: 30)
        #expect(m.source.index.entries.count == 11)  // lines 2…12; the partial 13th waits
        #expect(m.source.index.issues.isEmpty)
        #expect(!m.source.findings.contains { $0.rule == "response-not-done" })  // no end-of-session checks
        m.press(.char("G"))
        let nothingNew = try m.refresh()
        #expect(!nothingNew)

        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(full[cut.count..<(full.count - 200)]))  // the rest but for a partial tail
        let grew = try m.refresh()
        #expect(grew)
        let middle = m.source.index.entries.count
        #expect(middle > 11 && middle < 33)
        #expect(m.state.cursor == m.rows.count - 1)  // the cursor followed
        handle.write(Data(full[(full.count - 200)...]))
        try handle.close()
        let grewAgain = try m.refresh()
        #expect(grewAgain)
        #expect(m.source.index.entries.count == 33)
        #expect(m.source.index.entries.map(\.line) == Array(2...34).map(Int32.init))
        #expect(
            m.source.findings.map(\.rule).sorted() == ["response-create-while-active", "server-error", "server-error"])
    }
}

struct IncrementalLoadTests {
    @Test(
        arguments: Paths.samples + [
            "../Tests/RealtimeRecordingTests/Fixtures/invalid-lines.jsonl",
            "../Tests/RealtimeRecordingTests/Fixtures/truncated-last-line.jsonl",
        ])
    func chunkedLoadingEqualsAOneShotLoad(_ name: String) throws {
        let whole = try TimelineSource.load(Paths.sample(name))
        #expect(whole.caughtUp)
        let chunked = try TimelineSource.load(Paths.sample(name), firstBytes: 200)
        var rounds = 0
        while !chunked.caughtUp {
            _ = try chunked.refresh(maxBytes: 200)
            rounds += 1
        }
        #expect(rounds >= 2)
        #expect(chunked.index.entries == whole.index.entries)
        #expect(chunked.index.issues == whole.index.issues)
        #expect(chunked.findings == whole.findings)
        #expect(chunked.progress == 1)
    }

    @Test func theFirstScreenComesBeforeTheWholeFileIsRead() throws {
        let source = try TimelineSource.load(Paths.sample("barge-in.jsonl"), firstBytes: 4096)
        #expect(!source.caughtUp)
        let m = TimelineModel(source: source, width: 100, height: 20)
        #expect(TimelineView.render(m).text.contains("· reading "))
        #expect(!m.rows.isEmpty)
    }
}

struct EveryBindingTests {
    /// Where each action is tried from (default: a few rows into the error sample).
    static func setup(_ action: TimelineAction) -> (file: String, keys: String) {
        switch action {
        case .up, .previousError, .previousWarning, .stepBack, .top, .pageUp: ("errors.jsonl", "G")
        case .previousInResponse: ("barge-in.jsonl", "Gk")
        case .nextInResponse: ("barge-in.jsonl", "jjjj")
        case .searchNext, .searchPrevious: ("barge-in.jsonl", "jjjjjj/delta<enter>")
        case .clearFilter: ("barge-in.jsonl", "fresponse.*<enter>")
        case .related, .previousRelated: ("errors.jsonl", "e")
        case .faster, .slower: ("barge-in.jsonl", " ")
        default: ("errors.jsonl", "jjj")
        }
    }

    @Test(arguments: Keymap.bindings.flatMap { binding in binding.keys.map { (binding.action, $0) } })
    func everyBindingDoesSomething(_ pair: (TimelineAction, Key)) throws {
        let (action, key) = pair
        let (file, keys) = Self.setup(action)
        var m = try model(file, width: 120, height: 30, keys: keys)
        let before = TimelineView.render(m).text
        let cursor = m.state.cursor
        m.press(key)
        let after = TimelineView.render(m).text
        #expect(after != before || m.state.quit || m.state.cursor != cursor, "\(key) (\(action)) changed nothing")
    }

    @Test func theConversationPaneShowsTheResponsesOpenAtTheSelectedEvent() throws {
        // On the first response.created of the barge-in sample the response is open; after its
        // response.done it is not.
        var m = try model("barge-in.jsonl", width: 140, height: 40)
        while let t = type(m), t != "response.created" { m.press(.char("j")) }
        #expect(TimelineView.render(m).text.contains("· open: resp_"))
        while let t = type(m), t != "response.done" { m.press(.char("j")) }
        #expect(!TimelineView.render(m).text.contains("· open: resp_"))
    }
}

struct IncrementalRowsTests {
    @Test(arguments: Paths.samples)
    func extendingRowsChunkByChunkEqualsBuildingThemAtOnce(_ name: String) throws {
        for fold in [true, false] {
            let source = try TimelineSource.load(Paths.sample(name), firstBytes: 300)
            var rows = source.rows(Array(source.index.entries.indices), fold: fold, issues: source.index.issues)
            while !source.caughtUp {
                _ = try source.refresh(maxBytes: 300)
                source.extendRows(&rows, fold: fold)
            }
            let whole = source.rows(Array(source.index.entries.indices), fold: fold, issues: source.index.issues)
            #expect(rows == whole, "\(name) fold=\(fold)")
        }
    }
}
