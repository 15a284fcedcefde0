import Foundation
import RealtimeProtocol
import RealtimeRecording
import Testing

@testable import RealtimeValidation

/// How findings are stored and written when there are hundreds of thousands: compactly (`CompactFindings`), sorted
/// without moving them, and as JSON in bounded pieces.
struct FindingStorageTests {
    /// Hand-made findings that exercise every field: nil and present optionals, escapes and non-ASCII text, related
    /// lines before and after, a varying number of related lines, and more findings of one rule than a keyframe
    /// covers.
    static func handMade() -> [Finding] {
        var out: [Finding] = []
        for i in 0..<100 {
            out.append(
                Finding(
                    rule: "server-event-id-duplicate", severity: .warning,
                    message: "The server event_id event_B\(String(repeating: "0", count: 20))\(i) was already used.",
                    expected: "a new event_id", actual: "event_B\(i)", line: 10 + i * 3, eventIndex: 9 + i * 3,
                    eventType: i % 2 == 0 ? "response.done" : "input_audio_buffer.speech_started",
                    eventID: "event_B\(i)", related: [RelatedLine(line: 3 + i, note: "first use")]))
            if i % 7 == 0 {
                out.append(
                    Finding(
                        rule: "server-error", severity: i % 14 == 0 ? .error : .note,
                        message: "quote \" tab \t nl \n esc \u{1B} nul \u{00} — 日本 🎧 \(i)", line: 10 + i * 3,
                        eventIndex: -i, subject: i % 3 == 0 ? nil : "resp_\(i)",
                        related: Array(
                            (0..<(i % 4)).map { RelatedLine(line: 10 + i * 3 + $0 * 1000 - 1500, note: "note \($0) ✓") }
                        )))
            }
        }
        out.append(Finding(rule: "recording-empty", severity: .error, message: "", line: 0, eventIndex: 0))
        out.append(
            Finding(rule: "server-error", severity: .warning, message: "late", expected: "", line: 5, eventIndex: 4))
        return out
    }

    @Test func compactFindingsGiveBackWhatWasStored() throws {
        var findings = Self.handMade()
        for name in Samples.all {
            findings += try ValidationRun.validate(path: Samples.path(name), excerpts: .none).findings
        }
        var store = CompactFindings()
        for f in findings { store.append(f) }
        store.seal()
        #expect(store.count == findings.count)
        #expect(store.all == findings)
        for k in findings.indices where k % 5 == 0 || k > findings.count - 5 {
            #expect(store.finding(at: k) == findings[k])
        }
        #expect(store.errors == findings.count { $0.severity == .error })
        #expect(store.warnings == findings.count { $0.severity == .warning })
        #expect(store.rules == findings.map(\.rule))
        // Lookups by line see every finding of the line, in the order they were stored (the last two came late).
        for line in Set(findings.map(\.line)) {
            #expect(store.findings(line: line) == findings.filter { $0.line == line })
            #expect(store.worstSeverity(line: line) == findings.filter { $0.line == line }.map(\.severity).max())
        }
        #expect(store.findings(line: 1) == [])
        #expect(store.worstSeverity(line: 1) == nil)
    }

    /// Findings of one rule that differ in an id take a few bytes each, not the ~430 of a `Finding`.
    @Test func findingsOfOneRuleTakeFewBytes() {
        var store = CompactFindings()
        let n = 10_000
        for i in 0..<n {
            let id = "event_B\(String(format: "%020d", i))"
            store.append(
                Finding(
                    rule: "server-event-id-duplicate", severity: .warning,
                    message: "The server event_id \(id) was already used.", expected: "a new event_id", actual: id,
                    line: 100 + i, eventIndex: 99 + i, eventType: "response.output_audio_transcript.delta", eventID: id,
                    related: [RelatedLine(line: 50 + i, note: "first use")]))
        }
        #expect(store.storedBytes / n < 64, "\(store.storedBytes / n) bytes per finding")
        #expect(store.finding(at: n - 1).eventID == "event_B\(String(format: "%020d", n - 1))")
    }

    /// A field that takes its value from a few alternating ones (the event type of a duplicated id, the message of an
    /// event outside its response) is coded against the matching recent value, not re-spelt each time the value
    /// changes.
    @Test func alternatingValuesAreCodedAgainstTheirLastUse() {
        let types = [
            "input_audio_buffer.speech_started", "response.output_audio_transcript.delta",
            "conversation.item.input_audio_transcription.completed",
        ]
        var store = CompactFindings()
        var findings: [Finding] = []
        let n = 9_000
        for i in 0..<n {
            let id = "event_B\(String(format: "%020d", i))"
            let type = types[i % types.count]
            findings.append(
                Finding(
                    rule: "response-event-outside-lifecycle", severity: .warning,
                    message: "\(type) arrived outside any response.", expected: "a new event_id", actual: id,
                    line: 100 + i, eventIndex: 99 + i, eventType: type, eventID: id,
                    related: [RelatedLine(line: 50 + i, note: i % 2 == 0 ? "first use" : "the response's done")]))
            store.append(findings[i])
        }
        // Under 29 bytes of text a finding (17 for the ids' changed digits and the codes, the rest for the keyframes and
        // the two findings after each); coded against the last value only, they took 120.
        #expect(store.textBytes / n < 40, "\(store.textBytes / n) bytes of text per finding")
        #expect(store.all == findings)
        for k in stride(from: 0, to: n, by: 97) { #expect(store.finding(at: k) == findings[k]) }
    }

    /// An event id that is also the finding's `actual` (a duplicated or invalid id: most findings of a file where most
    /// events have one) is stored once; one that differs is coded as before, and both come back whole.
    @Test func anEventIDEqualToActualIsStoredOnce() {
        let n = 5_000
        var same = CompactFindings()
        var other = CompactFindings()
        var (a, b): ([Finding], [Finding]) = ([], [])
        for i in 0..<n {
            let id = "event_B\(String(format: "%020d", i * 7))"
            func finding(_ eventID: String?) -> Finding {
                Finding(
                    rule: "server-event-id-duplicate", severity: .warning, message: "reused", actual: id,
                    line: 10 + i, eventIndex: 9 + i, eventID: eventID)
            }
            a.append(finding(id))
            b.append(finding(i % 2 == 0 ? "other_\(id)" : nil))
            same.append(a[i])
            other.append(b[i])
        }
        #expect(same.all == a)
        #expect(other.all == b)
        #expect(same.finding(at: n - 1) == a[n - 1])
        #expect(other.finding(at: n - 2) == b[n - 2])
        // The id's changed digits and its code (about 4 bytes) are not stored a second time.
        var alone = CompactFindings()
        for f in a {
            alone.append(
                Finding(
                    rule: f.rule, severity: f.severity, message: f.message, actual: f.actual, line: f.line,
                    eventIndex: f.eventIndex))
        }
        #expect(same.textBytes - alone.textBytes < n / 2, "\(same.textBytes - alone.textBytes) bytes for \(n) ids")
    }

    /// A finding behind an earlier line (an end-of-session finding) does not make the store keep an index of every
    /// finding (it held 4 bytes a finding, rebuilt at each `seal()`): it costs a few bytes on its own, and lookups by
    /// line find it after `seal()`, with the findings of its line in the order they were appended.
    @Test func aLateFindingCostsOnlyItself() {
        func duplicate(_ i: Int) -> Finding {
            Finding(
                rule: "server-event-id-duplicate", severity: .warning, message: "The server event_id e\(i) was reused.",
                line: 100 + i, eventIndex: 99 + i, eventID: "e\(i)")
        }
        let n = 20_000
        var inOrder = CompactFindings()
        var late = CompactFindings()
        // The same room in both, so growth by doubling does not blur the comparison.
        inOrder.reserveCapacity(findings: n + 10, textBytes: 1 << 20)
        late.reserveCapacity(findings: n + 10, textBytes: 1 << 20)
        let early = Finding(rule: "response-not-done", severity: .error, message: "late", line: 101, eventIndex: 100)
        let whole = Finding(rule: "recording-empty", severity: .error, message: "file", line: 0, eventIndex: 0)
        for i in 0..<n {
            inOrder.append(duplicate(i))
            late.append(duplicate(i))
            if i == 10 { late.append(early) }
        }
        late.append(whole)
        late.seal()
        inOrder.seal()
        // The two late findings' records and text, not 4 bytes for each of the 20,000 (80 KB).
        #expect(late.storedBytes - inOrder.storedBytes < 4096, "\(late.storedBytes - inOrder.storedBytes) bytes")
        #expect(late.findings(line: 101) == [duplicate(1), early])
        #expect(late.findings(line: 0) == [whole])
        #expect(late.worstSeverity(line: 101) == .error)
        #expect(late.findings(line: 111) == [duplicate(11)])
        #expect(late.findings(line: 100 + n) == [])
        #expect(late.line(at: 11) == 101)
        #expect(late.finding(at: 11) == early)
        #expect(late.all.count == n + 2)
        // Displaced findings appended after a seal are found after the next one.
        let later = Finding(rule: "response-not-done", severity: .note, message: "later", line: 105, eventIndex: 104)
        late.append(later)
        late.seal()
        #expect(late.findings(line: 105) == [duplicate(5), later])
        #expect(late.findings(line: 101) == [duplicate(1), early])
    }

    /// Sorting by line then rule without moving findings gives what a stable sort gives; findings already in order are
    /// recognised as such.
    @Test func sortingByLineKeepsTheOrderOfEqualFindings() {
        var rng = SystemRandomNumberGenerator()
        let findings = (0..<2000).map { i in
            Finding(
                rule: ["a", "b", "c"][Int.random(in: 0..<3, using: &rng)], severity: .note, message: "\(i)",
                line: Int.random(in: 0..<50, using: &rng), eventIndex: i)
        }
        let expected = findings.enumerated().sorted {
            ($0.element.line, $0.element.rule, $0.offset) < ($1.element.line, $1.element.rule, $1.offset)
        }.map(\.element)
        #expect(ValidationRun.sortedPrefix(findings) < findings.count)
        var sorted = findings
        ValidationRun.sortByLine(&sorted)
        #expect(sorted == expected)
        #expect(ValidationRun.sortedPrefix(sorted) == sorted.count)
        for reach in [1, 4, 5000] {
            var again = findings
            ValidationRun.sortByLine(&again, reach: reach)
            #expect(again == expected, "reach \(reach)")
        }
        // The common case: a sorted stream, then a few end-of-session findings on earlier lines (and ties).
        var stream = expected
        let late = [
            Finding(rule: "b", severity: .error, message: "late 1", line: 3, eventIndex: 0),
            Finding(rule: "a", severity: .error, message: "late 2", line: 0, eventIndex: 0),
            Finding(rule: "b", severity: .error, message: "late 3", line: 3, eventIndex: 0),
            Finding(rule: "z", severity: .error, message: "late 4", line: 99, eventIndex: 0),
        ]
        stream += late
        let stable = stream.enumerated().sorted {
            ($0.element.line, $0.element.rule, $0.offset) < ($1.element.line, $1.element.rule, $1.offset)
        }.map(\.element)
        ValidationRun.sortByLine(&stream)
        #expect(stream == stable)
    }

    /// Long findings arrays are rendered two chunks at a time on two threads: the text is still `JSONEncoder`'s, in
    /// order, for counts around the chunk boundaries (the first chunk alone, pairs, a tail), and pieces stay bounded.
    @Test func longFindingArraysRenderedInParallelMatchJSONEncoder() throws {
        let base = Self.handMade()
        let chunk = JSONReporter.chunk
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        for count in [4 * chunk - 1, 4 * chunk, 5 * chunk + 1, 7 * chunk + 3] {
            // Findings numbered through the message, so an element out of order or repeated shows.
            let findings = (0..<count).map { i in
                let f = base[i % base.count]
                return Finding(
                    rule: f.rule, severity: f.severity, message: "\(i) \(f.message)", expected: f.expected,
                    actual: f.actual, line: i, eventIndex: f.eventIndex, eventType: f.eventType, eventID: f.eventID,
                    subject: f.subject, related: f.related)
            }
            let reports = [
                FileReport(path: "a.jsonl", frames: count, dialect: .ga, findings: findings),
                FileReport(path: "b.jsonl", frames: 2, dialect: nil, findings: Array(findings.prefix(3))),
            ]
            let result = ValidationResult(reports: reports, rules: RuleCatalog.all, failAt: .warning)
            var pieces: [[UInt8]] = []
            JSONReporter.write(result) { pieces.append(Array($0)) }
            let expected = String(decoding: try encoder.encode(JSONReporter.document(result)), as: UTF8.self) + "\n"
            #expect(String(decoding: pieces.joined(), as: UTF8.self) == expected, "\(count) findings")
            #expect(pieces.allSatisfy { $0.count <= StreamingJSONWriter.pieceBytes + 2048 })
        }
    }

    /// `JSONReporter.write` hands the report over in pieces of about 64 KiB (never the whole text at once), and the
    /// pieces together are `render`'s text.
    @Test func jsonReportIsWrittenInBoundedPieces() throws {
        let path = try FindingVolumeTests.manyFindings(3000)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let report = try ValidationRun.validate(path: path, excerpts: .none)
        let result = ValidationResult(reports: [report, report], rules: RuleCatalog.all, failAt: .error)
        var pieces: [[UInt8]] = []
        JSONReporter.write(result) { pieces.append(Array($0)) }
        let whole = try JSONReporter.render(result)
        #expect(String(decoding: pieces.joined(), as: UTF8.self) == whole)
        #expect(whole.utf8.count > 4 * StreamingJSONWriter.pieceBytes)
        #expect(pieces.count >= 4)
        // A piece ends at the first finding that fills it: at most one finding beyond the piece size.
        #expect(pieces.allSatisfy { $0.count < StreamingJSONWriter.pieceBytes + 2048 })
    }
}
