import Foundation
import RealtimeProtocol
import RealtimeRecording
import RealtimeSession
import Testing

@testable import TimelineModel

/// Hand-made pairs of sessions for `view A --diff B`, built in memory (no file).
///
/// Each session: a `session.created`, then per response a client `response.create`, `response.created`, an output
/// item (a text message or a function call), its deltas, `.done` events and `response.done`. Ids carry a per-side
/// prefix, so A and B differ in every id, as two runs do.
enum DiffPair {
    /// One response of a hand-made session.
    enum Reply {
        case text(String)
        case call(name: String, arguments: String)
    }

    static func text(_ side: String, _ replies: [Reply], status: String = "completed", extra: [String] = []) -> String {
        var events: [(String, String)] = [
            ("s2c", #"{"type":"session.created","event_id":"ev_\#(side)0","session":{"id":"sess_\#(side)"}}"#)
        ]
        for (k, reply) in replies.enumerated() {
            let r = "resp_\(side)\(k)"
            let item = "item_\(side)\(k)"
            events.append(("c2s", #"{"type":"response.create","event_id":"evc_\#(side)\#(k)"}"#))
            events.append(
                (
                    "s2c",
                    #"{"type":"response.created","event_id":"ev_\#(side)\#(k)a","response":{"id":"\#(r)","status":"in_progress","output":[]}}"#
                ))
            let at = #""response_id":"\#(r)","item_id":"\#(item)","output_index":0"#
            switch reply {
            case .text(let text):
                events.append(
                    (
                        "s2c",
                        #"{"type":"response.output_item.added","event_id":"ev_\#(side)\#(k)b","response_id":"\#(r)","output_index":0,"item":{"id":"\#(item)","type":"message","role":"assistant","content":[]}}"#
                    ))
                for (w, word) in text.split(separator: " ").enumerated() {
                    events.append(
                        (
                            "s2c",
                            #"{"type":"response.text.delta","event_id":"ev_\#(side)\#(k)d\#(w)",\#(at),"content_index":0,"delta":"\#(word) "}"#
                        ))
                }
                events.append(
                    (
                        "s2c",
                        #"{"type":"response.text.done","event_id":"ev_\#(side)\#(k)e",\#(at),"content_index":0,"text":"\#(text)"}"#
                    ))
            case .call(let name, let arguments):
                let escaped = arguments.replacingOccurrences(of: "\"", with: "\\\"")
                events.append(
                    (
                        "s2c",
                        #"{"type":"response.output_item.added","event_id":"ev_\#(side)\#(k)b","response_id":"\#(r)","output_index":0,"item":{"id":"\#(item)","type":"function_call","name":"\#(name)","call_id":"call_\#(side)\#(k)","arguments":""}}"#
                    ))
                events.append(
                    (
                        "s2c",
                        #"{"type":"response.function_call_arguments.delta","event_id":"ev_\#(side)\#(k)d",\#(at),"call_id":"call_\#(side)\#(k)","delta":"\#(escaped)"}"#
                    ))
                events.append(
                    (
                        "s2c",
                        #"{"type":"response.function_call_arguments.done","event_id":"ev_\#(side)\#(k)e",\#(at),"call_id":"call_\#(side)\#(k)","name":"\#(name)","arguments":"\#(escaped)"}"#
                    ))
            }
            events.append(
                (
                    "s2c",
                    #"{"type":"response.output_item.done","event_id":"ev_\#(side)\#(k)f","response_id":"\#(r)","output_index":0,"item":{"id":"\#(item)","type":"message"}}"#
                ))
            events.append(
                (
                    "s2c",
                    #"{"type":"response.done","event_id":"ev_\#(side)\#(k)g","response":{"id":"\#(r)","status":"\#(status)","output":[]}}"#
                ))
        }
        events += extra.map { ("s2c", $0) }
        return
            ([MemorySession.header]
            + events.enumerated().map { MemorySession.frame($0.offset + 1, $0.element.0, $0.element.1) })
            .joined(separator: "\n") + "\n"
    }

    static func source(_ text: String, name: String) throws -> (MemoryEventStore, TimelineSource) {
        let store = MemoryEventStore(text: text, name: name)
        let source = try TimelineSource(store: store)
        try source.readToEnd()
        return (store, source)
    }

    static func timeline(_ a: String, _ b: String) throws -> DiffTimeline {
        DiffTimeline(a: try source(a, name: "a.jsonl").1, b: try source(b, name: "b.jsonl").1)
    }

    /// The canonical type of a row's side (A's when both), for finding rows in tests.
    static func type(_ row: DiffTimelineRow, _ t: DiffTimeline) -> String? {
        if let a = row.a, a.entry >= 0 { return t.a.index.type(of: a.entry) }
        if let b = row.b, b.entry >= 0 { return t.b.index.type(of: b.entry) }
        return nil
    }
}

struct DiffTimelineAlignmentTests {
    @Test func twoRunsOfTheSameConversationAreSameOnEveryRow() throws {
        let replies: [DiffPair.Reply] = [.text("Hello there friend"), .call(name: "f", arguments: #"{"x":1}"#)]
        let t = try DiffPair.timeline(DiffPair.text("A", replies), DiffPair.text("B", replies))
        #expect(t.diff.entries.isEmpty)
        #expect(!t.rows.isEmpty)
        #expect(t.rows.allSatisfy { $0.mark == .same && $0.classes.isEmpty && $0.a != nil && $0.b != nil })
        // The text deltas are folded (one row per side), and the responses are numbered as the diff numbers them.
        #expect(Set(t.rows.compactMap(\.response)) == [1, 2])
        var model = DiffTimelineModel(timeline: t, width: 140, height: 30)
        #expect(model.differences.isEmpty)
        model.press(.char("n"))
        #expect(model.state.cursor == 0)
        #expect(model.state.message == "no row differs (latency and usage are session-wide: see the summary line)")
        #expect(
            DiffTimelineView.render(model).text.split(separator: "\n")[0].hasSuffix(
                "0 row differences · row 1/\(t.rows.count)"))
    }

    /// The hand-made pair of the issue: one tool call whose arguments differ (as JSON: key order is not a difference).
    @Test func aToolArgumentThatDiffersMarksTheCallRowsToolsChanged() throws {
        let a = DiffPair.text(
            "A", [.text("Checking"), .call(name: "get_weather", arguments: #"{"city":"Paris","unit":"c"}"#)])
        let b = DiffPair.text(
            "B", [.text("Checking"), .call(name: "get_weather", arguments: #"{"unit":"c","city":"Lyon"}"#)])
        let t = try DiffPair.timeline(a, b)
        #expect(t.diff.entries(.tools).count == 1)
        let changed = t.rows.filter { $0.mark == .changed }
        #expect(!changed.isEmpty)
        #expect(changed.allSatisfy { $0.classes == [.tools] && $0.response == 2 })
        let types = Set(changed.compactMap { DiffPair.type($0, t) })
        #expect(types.contains("response.function_call_arguments.done"))
        #expect(types.contains("response.output_item.added"))
        // Response 1 and the rest of response 2 are the same.
        #expect(t.rows.filter { $0.response == 1 }.allSatisfy { $0.mark == .same })
        #expect(t.rows.first { DiffPair.type($0, t) == "response.done" && $0.response == 2 }?.mark == .same)

        // Key order alone is no difference.
        let reordered = DiffPair.text(
            "B", [.text("Checking"), .call(name: "get_weather", arguments: #"{"unit":"c","city":"Paris"}"#)])
        #expect(try DiffPair.timeline(a, reordered).rows.allSatisfy { $0.mark == .same })
    }

    @Test func anEventOnlyOneSideHasFacesABlankRowAndTheRestStaysAligned() throws {
        // B's first response has no text.done (a hand-made structure difference).
        let a = DiffPair.text("A", [.text("one two"), .text("three")])
        var lines = DiffPair.text("B", [.text("one two"), .text("three")]).split(separator: "\n").map(String.init)
        lines.removeAll { $0.contains(#""event_id":"ev_B0e""#) }
        let t = try DiffPair.timeline(a, lines.joined(separator: "\n") + "\n")
        let gap = try #require(t.rows.first { $0.mark == .onlyA })
        #expect(DiffPair.type(gap, t) == "response.text.done")
        #expect(gap.b == nil && gap.classes == [.structure] && gap.response == 1)
        #expect(t.rows.filter { $0.mark != .same }.count == 1)
        // Rows after the gap pair the same types again.
        for row in t.rows where row.mark == .same {
            let (ea, eb) = (try #require(row.a).entry, try #require(row.b).entry)
            #expect(t.a.index.type(of: ea) == t.b.index.type(of: eb))
        }
    }

    @Test func aResponseOnlyInBIsOnlyInBOnEveryRow() throws {
        let t = try DiffPair.timeline(
            DiffPair.text("A", [.text("hi")]), DiffPair.text("B", [.text("hi"), .call(name: "f", arguments: "{}")]))
        let second = t.rows.filter { $0.response == 2 }
        #expect(!second.isEmpty)
        #expect(second.allSatisfy { $0.mark == .onlyB && $0.a == nil && $0.classes.contains(.structure) })
        // The client's response.create before it is between responses: only in B, no class (the diff ignores it).
        let create = try #require(t.rows.first { $0.response == nil && $0.mark == .onlyB })
        #expect(DiffPair.type(create, t) == "response.create" && create.classes.isEmpty)
    }

    @Test func textAndStatusDifferencesLandOnTheirRows() throws {
        let t = try DiffPair.timeline(
            DiffPair.text("A", [.text("the weather is sunny")]),
            DiffPair.text("B", [.text("the weather is rainy")], status: "incomplete"))
        func classes(_ type: String) -> [DiffClass]? { t.rows.first { DiffPair.type($0, t) == type }?.classes }
        #expect(classes("response.text.delta") == [.text])
        #expect(classes("response.text.done") == [.text])
        #expect(classes("response.done")?.contains(.status) == true)
        #expect(classes("response.created") == [])
    }
}

struct DiffTimelineModelTests {
    static func toolPair() throws -> DiffTimelineModel {
        let a = DiffPair.text("A", [.text("one"), .call(name: "lookup", arguments: #"{"q":"a"}"#), .text("done here")])
        let b = DiffPair.text(
            "B", [.text("one"), .call(name: "lookup", arguments: #"{"q":"b"}"#), .text("done there")])
        return DiffTimelineModel(timeline: try DiffPair.timeline(a, b), width: 150, height: 40)
    }

    @Test func nAndNJumpBetweenDifferencesAndSayWhich() throws {
        var m = try Self.toolPair()
        #expect(m.differences.count == 2)  // the call rows (one run) and the text rows of response 3
        m.press(.char("n"))
        #expect(m.state.cursor == m.differences[0])
        #expect(m.state.message == "difference 1 of 2: changed (tools)")
        m.press(.char("n"))
        #expect(m.state.cursor == m.differences[1])
        #expect(m.state.message?.hasSuffix("(text)") == true)
        m.press(.char("n"))
        #expect(m.state.cursor == m.differences[1])
        #expect(m.state.message == "no difference below this row")
        m.press(.char("N"))
        #expect(m.state.cursor == m.differences[0])
        m.press(.char("x"))
        #expect(m.state.message?.hasPrefix("no key x in the diff view") == true)
        m.press(.char("q"))
        #expect(m.state.quit)
    }

    @Test func enterShowsBothEventsAndTheFieldsThatDiffer() throws {
        var m = try Self.toolPair()
        let done = try #require(
            m.rows.firstIndex { DiffPair.type($0, m.timeline) == "response.function_call_arguments.done" })
        m.move(to: done)
        m.press(.enter)
        let detail = try #require(m.frame.detail)
        #expect(detail.differences.contains { $0.hasPrefix("tools: call 1 lookup arguments: ") })
        #expect(detail.differences.contains(#"field arguments: "{\"q\":\"a\"}" → "{\"q\":\"b\"}""#))
        // Ids differ in every run: counted, not listed.
        #expect(detail.differences.contains { $0.hasSuffix("differ (ids are new in every run)") })
        #expect(!detail.differences.contains { $0.hasPrefix("field event_id") })
        #expect(detail.titleA.hasPrefix("A: line ") && detail.titleB.hasPrefix("B: line "))
        let screen = DiffTimelineView.render(m).text
        #expect(screen.contains(#""arguments": "{\"q\":\"a\"}""#))
        #expect(screen.contains(#""arguments": "{\"q\":\"b\"}""#))
        m.press(.escape)
        #expect(m.frame.detail == nil)
    }
}

struct DiffTimelineViewTests {
    @Test func rowsShowMarksClassesAndBlankSides() throws {
        let a = DiffPair.text("A", [.text("hi"), .call(name: "f", arguments: #"{"a":1}"#)])
        let b = DiffPair.text("B", [.text("hi"), .call(name: "f", arguments: #"{"a":2}"#), .text("extra")])
        let m = DiffTimelineModel(timeline: try DiffPair.timeline(a, b), width: 160, height: 40)
        let lines = DiffTimelineView.render(m).text.split(separator: "\n").map(String.init)
        #expect(lines[0].contains("rtscope diff view"))
        #expect(lines[1].contains("tools: 1 difference") && lines[1].contains("structure: 1 difference"))
        #expect(lines[2].contains("A: a.jsonl") && lines[2].contains("B: b.jsonl"))
        let call = try #require(lines.first { $0.contains("response.function_call_arguments.done") })
        #expect(call.hasPrefix("  ~  tools"))
        #expect(call.components(separatedBy: "response.function_call_arguments.done").count == 3)  // both sides
        let onlyB = lines.filter { $0.hasPrefix("  >") }
        #expect(!onlyB.isEmpty)
        // A's side of an only-in-B row is blank: nothing between the prefix and the separator.
        let column = DiffTimelineView.columns(160).b - 2
        for line in onlyB {
            let chars = Array(line)
            #expect(String(chars[DiffTimelineView.prefix..<column]).trimmingCharacters(in: .whitespaces).isEmpty)
        }
    }

    @Test func drawingReadsNothingAndIsTheSameTwice() throws {
        let textA = DiffPair.text("A", [.text("one"), .call(name: "f", arguments: "{}")])
        let textB = DiffPair.text("B", [.text("two"), .call(name: "f", arguments: "{}")])
        let (storeA, sourceA) = try DiffPair.source(textA, name: "a")
        let (storeB, sourceB) = try DiffPair.source(textB, name: "b")
        var m = DiffTimelineModel(timeline: DiffTimeline(a: sourceA, b: sourceB), width: 120, height: 30)
        for key in Key.script("n<enter>j") { m.press(key) }
        let first = DiffTimelineView.render(m)
        sourceA.clearCaches()
        sourceB.clearCaches()
        let reads = (storeA.eventReads, storeB.eventReads)
        for _ in 0..<3 { #expect(DiffTimelineView.render(m) == first) }
        #expect(DiffTimelineView.render(m.frame) == first)
        #expect(storeA.eventReads == reads.0 && storeB.eventReads == reads.1)
    }

    @Test func recordingTextIsEscapedOnScreen() throws {
        // A hand-made hostile transcript: an escape sequence and a bidi override in the text.
        let hostile = "hi \\u001b[2J\\u202e there"
        let t = try DiffPair.timeline(DiffPair.text("A", [.text("hi there")]), DiffPair.text("B", [.text(hostile)]))
        var m = DiffTimelineModel(timeline: t, width: 160, height: 40)
        m.press(.char("n"))
        m.press(.enter)
        let screen = DiffTimelineView.render(m)
        #expect(!screen.cells.contains { $0.text.unicodeScalars.contains { $0.value == 0x1b || $0.value == 0x202e } })
        #expect(screen.text.contains("text"))
    }
}

struct FieldDiffTests {
    static func value(_ text: String) throws -> JSONValue { try #require(JSONTape.parse(Array(text.utf8))) }

    @Test func listsChangedAndAbsentFieldsAndCountsIds() throws {
        let a = try Self.value(#"{"type":"x","event_id":"e1","item":{"id":"i1","n":1,"tags":["a","b"]},"gone":true}"#)
        let b = try Self.value(#"{"type":"x","event_id":"e2","item":{"id":"i2","n":2,"tags":["a","c"]},"new":null}"#)
        #expect(
            FieldDiff.lines(a, b) == [
                "field item.n: 1 → 2", #"field item.tags[1]: "b" → "c""#, "field gone: true → (absent)",
                "field new: (absent) → null", "2 id fields differ (ids are new in every run)",
            ])
        #expect(FieldDiff.lines(a, a) == ["no field differs"])
    }

    /// Two long values that part late are shown from shortly before where they part, so the difference is on screen.
    @Test func longValuesAreShownWhereTheyPart() throws {
        let head = String(repeating: "same words ", count: 20)
        let lines = FieldDiff.lines(
            try Self.value(#"{"text":"\#(head)Paris and more"}"#), try Self.value(#"{"text":"\#(head)Lyon and more"}"#))
        #expect(lines.count == 1)
        #expect(lines[0].contains("Paris") && lines[0].contains("Lyon"))
        #expect(lines[0].hasPrefix("field text: …"))
    }
}

struct DiffTimelineEmptySideTests {
    /// An empty B (hand-made: no bytes at all) is said in the footer, where the interactive screen shows it.
    @Test func aSideWithNoEventsIsNamedInTheFooter() throws {
        let t = try DiffPair.timeline(DiffPair.text("A", [.text("hi")]), "")
        let m = DiffTimelineModel(timeline: t, width: 160, height: 30)
        #expect(t.rows.allSatisfy { $0.mark == .onlyA })
        let footer = DiffTimelineView.render(m).text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(footer.contains("B (b.jsonl) holds no events: everything on the other side shows as a difference"))
    }
}

struct DiffTimelineUnreadableLineTests {
    /// A line B's reader cannot read (hand-made: a broken JSON line between two responses) is shown, never dropped.
    @Test func anUnreadableLineIsARowOfItsOwn() throws {
        var lines = DiffPair.text("B", [.text("one"), .text("two")]).split(separator: "\n").map(String.init)
        let second = try #require(lines.firstIndex { $0.contains(#""event_id":"evc_B1""#) })
        lines.insert(#"{"seq":99,"t_us":5,"dir":"s2c","op":"text","event":{"type":"#, at: second)
        let t = try DiffPair.timeline(
            DiffPair.text("A", [.text("one"), .text("two")]), lines.joined(separator: "\n") + "\n")
        let broken = try #require(t.rows.first { $0.b?.issue != nil })
        #expect(broken.mark == .onlyB && broken.response == nil)
        let m = DiffTimelineModel(timeline: t, width: 160, height: 60)
        #expect(DiffTimelineView.render(m).text.contains("! line \(second + 1)"))
        // Both responses still pair up, every other row the same.
        #expect(t.rows.filter { $0.mark != .same }.count == 1)
    }
}

struct DiffTimelineTinyScreenTests {
    /// A terminal may be resized to almost nothing: every screen still draws (clipped), list and details alike.
    @Test(arguments: [(1, 1), (2, 3), (7, 4), (20, 6), (39, 9), (300, 12)])
    func tinyScreensRender(_ size: (Int, Int)) throws {
        let t = try DiffPair.timeline(
            DiffPair.text("A", [.call(name: "f", arguments: #"{"a":1}"#)]),
            DiffPair.text("B", [.call(name: "f", arguments: #"{"a":2}"#), .text("more")]))
        var m = DiffTimelineModel(timeline: t, width: 160, height: 40)
        for key in Key.script("n<enter>jjjjNG") {
            m.resize(width: size.0, height: size.1)
            m.press(key)
            let screen = DiffTimelineView.render(m)
            #expect(screen.width == max(1, size.0) && screen.height == max(1, size.1))
        }
    }
}
