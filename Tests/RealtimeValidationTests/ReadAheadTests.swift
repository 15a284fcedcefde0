import Foundation
import RealtimeRecording
import Testing

@testable import RealtimeValidation

/// `ValidationRun` reads on a second thread in batches; order, counts and reader issues must come through whole.
struct ReadAheadTests {
    @Test func manyBatchesKeepFileOrderFramesAndReaderIssues() throws {
        let header = try #require(
            String(contentsOfFile: Samples.path("text-in-text-out.jsonl"), encoding: .utf8).split(separator: "\n").first
        )
        var lines = [String(header)]
        for i in 1...2000 {
            if i == 1500 {
                lines.append("{not json")
                continue
            }
            lines.append(
                #"{"seq":\#(i),"t_us":\#(i * 10),"dir":"s2c","op":"text","event":{"type":"x.unknown\#(i)","event_id":"e\#(i)"}}"#
            )
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-batches-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)

        let report = try ValidationRun.validate(path: path)
        #expect(report.frames == 1999)
        let unknown = report.findings.filter { $0.rule == "unknown-event-type" }
        #expect(unknown.count == 1999)
        #expect(unknown.map(\.line) == (2...2001).filter { $0 != 1501 })
        #expect(unknown.map(\.eventIndex) == Array(1...1999))
        #expect(report.findings.filter { $0.rule == "reader.invalid-json" }.map(\.line) == [1501])
    }

    /// Batches handed back as `ValidationRun` hands them back (through the excerpt window, taken) return their tapes to
    /// the pool, so the reading thread parses into recycled tapes instead of allocating one per event.
    @Test(arguments: [ExcerptPolicy.none, .all])
    func finishedBatchesReturnTheirTapesToThePool(_ policy: ExcerptPolicy) throws {
        let path = Samples.path("audio-vad.jsonl")
        let reader = try RecordingInput.open(path, options: .init()).reader
        let readAhead = ReadAhead(reader: reader)
        var collector = ExcerptCollector(policy: policy)
        var events = 0
        var pooled = 0
        var sessionEvents = 0
        while let batch = try readAhead.next() {
            events += batch.events.filter { $0.object != nil }.count
            sessionEvents += batch.events.filter { $0.object?["type"]?.string?.hasPrefix("session.") == true }.count
            pooled += readAhead.recycle(collector.hold(consume batch))
        }
        pooled += readAhead.recycle(collector.finish())
        #expect(events > 0)
        // Nothing holds the tapes here (no validator keeps a session event), so every one comes back.
        #expect(pooled == events, "\(pooled) of \(events) tapes pooled (\(sessionEvents) session events)")
    }
}

/// `EventPass` (what `stats` builds the model with, no rules) hands its consumer what `validate`'s `observe` sees, in
/// the same order, and has handed everything when it returns.
struct EventPassTests {
    func check(_ path: String) throws {
        var lines: [Int] = []
        var types: [String] = []
        let summary = try EventPass.read(path: path) { event in
            lines.append(event.line)
            types.append(event.object?["type"]?.string ?? "")
        }
        var observed: [Int] = []
        var observedTypes: [String] = []
        let report = try ValidationRun.validate(
            path: path,
            observe: { event in
                observed.append(event.line)
                observedTypes.append(event.object?["type"]?.string ?? "")
            })
        #expect(lines.count == report.frames)
        #expect(summary.frames == report.frames)
        #expect(lines == observed)
        #expect(types == observedTypes)
        #expect(lines == lines.sorted())
    }

    @Test func seesEveryFrameInFileOrderBeforeValidateReturns() throws {
        try check(Samples.path("barge-in.jsonl"))
        // Many batches (128 events each), so the reading thread and the caller can both take turns.
        let header = try #require(
            String(contentsOfFile: Samples.path("text-in-text-out.jsonl"), encoding: .utf8).split(separator: "\n").first
        )
        var lines = [String(header)]
        for i in 1...5000 {
            lines.append(
                #"{"seq":\#(i),"t_us":\#(i * 10),"dir":"s2c","op":"text","event":{"type":"x.unknown\#(i % 7)","event_id":"e\#(i)"}}"#
            )
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-observe-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        for _ in 0..<5 { try check(path) }
    }
}
