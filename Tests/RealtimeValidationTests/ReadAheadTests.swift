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
    /// the pool, so the reading thread appends into recycled tapes instead of allocating one per batch; the events of
    /// a batch live in its one tape.
    @Test(arguments: [ExcerptPolicy.none, .all])
    func finishedBatchesReturnTheirTapesToThePool(_ policy: ExcerptPolicy) throws {
        let path = Samples.path("audio-vad.jsonl")
        let reader = try RecordingInput.open(path, options: .init()).reader
        let readAhead = ReadAhead(reader: reader)
        var collector = ExcerptCollector(policy: policy)
        var (events, batches, pooled, tapes) = (0, 0, 0, Set<ObjectIdentifier>())
        while let batch = try readAhead.next() {
            batches += 1
            // In a function of its own: the references it takes are gone before the batch is handed back.
            func inspect(_ batch: borrowing ReadAhead.Batch) throws -> Int {
                let objects = batch.events.compactMap(\.object)
                let tape = try #require(batch.tape)
                tapes.insert(ObjectIdentifier(tape))
                #expect(objects.allSatisfy { $0.document === tape })  // every event of the sample has scanner nodes
                return objects.count
            }
            events += try inspect(batch)
            pooled += readAhead.recycle(collector.hold(consume batch))
        }
        pooled += readAhead.recycle(collector.finish())
        #expect(events > 0)
        // Nothing holds the tapes here (no validator keeps a session event), so every one comes back.
        #expect(pooled == batches, "\(pooled) of \(batches) batch tapes pooled")
        #expect(events <= batches * 128)
    }

    /// Many batches through one tape each: every event reads back as its own line's event, with its own repeated-key
    /// verdict, whatever batch (and recycled tape) it landed in.
    @Test func eventsInBatchTapesReadAsTheirOwnLines() throws {
        var lines: [String] = []
        for i in 1...1000 {
            let repeated = i % 97 == 0 ? #","k":1,"k":2"# : ""
            lines.append(
                #"{"seq":\#(i),"t_us":\#(i),"dir":"s2c","op":"text","event":{"type":"t\#(i)","n":[\#(i),{"s":"\#(i)"}]\#(repeated)}}"#
            )
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-tapes-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let readAhead = ReadAhead(reader: try RecordingInput.open(path, options: .init()).reader)
        var seen = 0
        while var batch = try readAhead.next() {
            for event in batch.events {
                seen += 1
                let object = try #require(event.object)
                #expect(object["type"]?.string == "t\(seen)")
                #expect(object.value(at: "n.1.s")?.string == "\(seen)")
                #expect(object.value(at: "n.0")?.int == seen)
                #expect(object.hasRepeatedKeys == (seen % 97 == 0))
                #expect(object.repeatedKey == (seen % 97 == 0 ? "k" : nil))
                if seen % 97 == 0 { #expect(object["k"]?.int == 2) }
                #expect(object.rawText == String(lines[seen - 1].split(separator: "\"event\":")[1].dropLast()))
            }
            readAhead.recycle(&batch)
        }
        #expect(seen == 1000)
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
