import Foundation
import RealtimeRecording
import RealtimeValidation
import Testing

@testable import TimelineModel

/// A file where most events have a finding: the timeline keeps them compactly and still shows each one whole.
struct TimelineFindingsTests {
    /// Hand-made fixture: a sample's header, then `count` server events whose `event_id` all repeat the first one's
    /// (one `server-event-id-duplicate` finding each).
    static func text(_ count: Int) throws -> String {
        let header = try #require(
            String(contentsOfFile: Paths.sample("text-in-text-out.jsonl"), encoding: .utf8).split(separator: "\n").first
        )
        var lines = [String(header)]
        for i in 1...count {
            lines.append(
                #"{"seq":\#(i),"t_us":\#(i * 10),"dir":"s2c","op":"text","event":{"type":"rate_limits.updated","event_id":"event_B\#(String(format: "%020d", i % 2 == 0 ? 0 : i))","rate_limits":[]}}"#
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func findingsAreStoredInAFewBytesEachAndShownWhole() throws {
        let store = MemoryEventStore(text: try Self.text(4000), name: "dupes.jsonl")
        let source = try TimelineSource(store: store, firstBytes: 1 << 20)
        try source.readToEnd()
        let report = source.findings
        let duplicates = report.filter { $0.rule == "server-event-id-duplicate" }
        #expect(duplicates.count == 1999)
        #expect(source.findingLog.storedBytes / report.count < 64, "\(source.findingLog.storedBytes / report.count) B")
        // The detail pane's findings for one line are the validator's, whole.
        let line = try #require(duplicates.last?.line)
        #expect(source.findings(line: line) == report.filter { $0.line == line })
        #expect(source.findings(line: line).first?.related.first?.line == 3)
        #expect(source.warningCount == report.count { $0.severity == .warning })
    }
}
