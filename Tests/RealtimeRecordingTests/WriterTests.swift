import Foundation
import RealtimeProtocol
import Testing

@testable import RealtimeRecording

struct WriterTests {
    @Test func framesRoundTripThroughTheFileWriterAndReader() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-writer-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let header = RecordingHeader(
            created: "2026-11-25T09:00:00.000000Z", source: "proxy", conn: "c1", dialect: .beta)
        let frames: [Frame] = [
            .text(
                #"{"type":"session.created","event_id":"e1"}"#, seq: 1, tUs: 0, direction: .serverToClient, conn: "c1"),
            .text("{\n  \"type\": \"response.create\"\n}", seq: 2, tUs: 10, direction: .clientToServer),
            .text("not json \u{1B}[2J", seq: 3, tUs: 11, direction: .clientToServer),
            Frame(seq: 4, tUs: 12, direction: .serverToClient, opcode: .binary, payload: [0, 255, 10, 13]),
            Frame(seq: 5, tUs: 13, direction: .clientToServer, opcode: .text, payload: [0x7B, 0xFF, 0x7D]),
            Frame(seq: 6, tUs: 14, direction: .clientToServer, opcode: .ping, payload: []),
            Frame(
                seq: 7, tUs: 15, direction: .clientToServer, opcode: .text, fin: false, payload: Array("{\"a\":".utf8)),
            Frame(seq: 8, tUs: 16, direction: .clientToServer, opcode: .cont, payload: Array("1}".utf8)),
            Frame(
                seq: 9, tUs: 99, direction: .serverToClient, opcode: .close, payload: Array("bye".utf8), closeCode: 4000
            ),
        ]
        let writer = try RecordingWriter(path: path, header: header)
        for frame in frames { try writer.append(frame) }
        #expect(writer.linesWritten == frames.count + 1)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
        #expect(Int(writer.bytesWritten) == size)  // embedded events are written in three parts, counted once

        let reader = RecordingReader(source: try FileSource(path: path))
        var read: [Frame] = []
        var issues: [ReaderIssue] = []
        try reader.read { event in
            switch event {
            case .line(let line): if let frame = line.frame() { read.append(frame) }
            case .issue(let issue): issues.append(issue)
            }
            return true
        }
        #expect(issues.isEmpty)
        #expect(reader.header == header)
        #expect(read == frames)
        // The JSON frame is embedded verbatim, so jq-style access works; the others are not.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(#""event":{"type":"session.created","event_id":"e1"}}"#))
        #expect(text.contains(#""text":"{\n  \"type\": \"response.create\"\n}""#))
    }

    @Test func headerLineStartsWithFormatAndVersion() throws {
        let line = try RecordingHeader(created: "x", source: "import").encodedLine()
        #expect(
            String(decoding: line, as: UTF8.self).hasPrefix(#"{"format":"rtscope-recording","version":1,"created":"x""#)
        )
    }

    @Test func wallClockHasMicroseconds() {
        #expect(
            RecordingFormat.wallClock(Date(timeIntervalSince1970: 1_795_597_200.25)) == "2026-11-25T09:00:00.250000Z")
    }

    /// Dates the format's four-digit years cannot hold are clamped, never a trap (a fuzzed import's timestamp of year
    /// 222…2026 trapped here).
    @Test func wallClockClampsWhatItCannotWrite() {
        let last = "9999-12-31T23:59:59.000000Z"
        #expect(RecordingFormat.wallClock(Date(timeIntervalSince1970: RecordingFormat.latestSeconds)) == last)
        for far in [1e13, 1e300, .infinity, .nan] {
            #expect(
                RecordingFormat.wallClock(Date(timeIntervalSince1970: far))
                    == (far.isNaN ? "1970-01-01T00:00:00.000000Z" : last))
        }
        for early in [-1.0, -1e13, -.infinity] {
            #expect(RecordingFormat.wallClock(Date(timeIntervalSince1970: early)) == "1970-01-01T00:00:00.000000Z")
        }
    }

    /// An event log whose timestamps the format cannot hold (a year of 38 digits, 10^300 seconds, before 1970) is
    /// imported whole, those events without a wall time (the fuzz input that found the trap is in
    /// Tests/Fuzz/regressions).
    @Test func importKeepsEventsWithImpossibleTimestamps() throws {
        let log =
            [
                #"{"timestamp": "2026-11-25T09:00:00.100Z", "direction": "server", "event": {"type": "session.created", "event_id": "event_1", "session": {"id": "sess_1"}}}"#,
                #"{"timestamp": "222222222222222222222222222222222222026-11-25T09:00:00.350Z", "direction": "client", "event": {"type": "session.update", "event_id": "evt_1", "session": {}}}"#,
                #"{"timestamp": 1e300, "direction": "client", "event": {"type": "response.create", "event_id": "evt_2"}}"#,
                #"{"timestamp": -5, "direction": "client", "event": {"type": "response.cancel", "event_id": "evt_3"}}"#,
            ].joined(separator: "\n") + "\n"
        let imported = try LogImporter.importBytes(Array(log.utf8), kind: .jsonlEvents, name: "times.jsonl")
        #expect(imported.count == 1)
        let recording = try #require(imported.first)
        #expect(recording.frameCount == 4)
        let lines = String(decoding: try recording.encoded(), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines[1].contains(#""wall":"2026-11-25T09:00:00.100000Z""#))
        for line in lines[2...] { #expect(!line.contains(#""wall""#), "\(line)") }
        #expect(EventLogImporter.seconds(.double(1e300)) == nil)
        #expect(EventLogImporter.seconds(.int(1_795_597_200)) == 1_795_597_200)
    }
}

struct EmbeddingTests {
    /// Valid JSON holding a raw CR or LF between tokens is kept as text (embedded, it would split
    /// the line); the same event without them is embedded; escaped \r\n inside a string is fine.
    @Test func lineBreaksBetweenTokensPreventEmbedding() {
        var encoder = FrameEncoder()
        for (text, embedded) in [
            ("{\"type\":\"x\",\r\"a\":1}", false), ("{\"type\":\"x\",\n\"a\":1}", false),
            ("{\"type\":\"x\",\"a\":1}", true),
            (#"{"type":"x","a":"line\r\nbreak"}"#, true), ("{\"type\":\"x\", \t\"a\":1}", true),
        ] {
            let line = encoder.line(for: .text(text, seq: 1, tUs: 0, direction: .clientToServer))
            #expect(encoder.lastEmbedded == embedded, "\(text)")
            #expect(!line.contains(0x0A) && !line.contains(0x0D))
        }
    }
}

struct OutputFileTests {
    @Test func truncatesAppendsAndNamesThePathOnFailure() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("out-\(UUID().uuidString).txt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try OutputFile.write(Array("first, longer text\n".utf8), to: path)
        try OutputFile.write(Array("second\n".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second\n")
        try OutputFile.write(Array("third\n".utf8), to: path, mode: .append)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second\nthird\n")
        #expect(throws: RecordingError.cannotWrite(path: path, reason: "File exists")) {
            try OutputFile.write([1], to: path, mode: .createNew)
        }
        #expect(throws: RecordingError.cannotWrite(path: "/proc/no-such-dir/x", reason: "No such file or directory")) {
            try OutputFile.write([1], to: "/proc/no-such-dir/x")
        }
    }
}

struct NoOverwriteTests {
    /// A recording is never written over an existing file: creating the writer fails, and the file keeps its bytes.
    @Test func aWriterRefusesAPathThatExists() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("taken-\(UUID().uuidString).jsonl")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "someone else's recording\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(throws: RecordingError.cannotWrite(path: path, reason: "File exists")) {
            _ = try RecordingWriter(path: path, header: RecordingHeader(created: "x", source: "proxy"))
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "someone else's recording\n")
    }
}
