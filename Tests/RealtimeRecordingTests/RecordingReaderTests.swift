import Foundation
import RealtimeProtocol
import Testing

@testable import RealtimeRecording

/// Paths of test inputs, found relative to this file so no bundle is needed.
enum TestPaths {
    static let testsDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repoRoot = testsDir.deletingLastPathComponent().deletingLastPathComponent()
    static func fixture(_ name: String) -> String { testsDir.appendingPathComponent("Fixtures/\(name)").path }
    static var fixtures: [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: testsDir.appendingPathComponent("Fixtures").path))?
            .filter { $0.hasSuffix(".jsonl") }.sorted() ?? []
    }
    static var samples: [String] {
        let dir = repoRoot.appendingPathComponent("recordings")
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [])
            .filter { $0.hasSuffix(".jsonl") }.sorted().map { dir.appendingPathComponent($0).path }
    }
}

/// Runs `work` on a new thread and waits for its result.
///
/// Long synchronous work would otherwise occupy a thread of Swift's cooperative pool (which has
/// one per core).
func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// Reads `bytes` and returns one description per reader event, so runs can be compared.
func transcript(_ bytes: [UInt8], chunks: [Int] = [], options: RecordingReader.Options = .init()) throws -> [String] {
    let reader = RecordingReader(source: MemorySource(bytes, chunkSizes: chunks), options: options)
    var out: [String] = []
    try reader.read { event in
        switch event {
        case .line(let line):
            let frame = line.frame()
            out.append(
                "\(line.number)@\(line.offset) \(line.kind) \(line.direction?.rawValue ?? "-") "
                    + "\(line.opcode?.rawValue ?? "-") \(line.eventType ?? "-") t=\(line.tUs) "
                    + "payload=\(frame?.payload.count ?? -1)")
        case .issue(let issue):
            out.append("\(issue.line)@\(issue.offset) \(issue.severity) \(issue.code.rawValue): \(issue.message)")
        }
        return true
    }
    return out
}

struct RecordingReaderTests {
    static func bytes(_ path: String) -> [UInt8] { Array(FileManager.default.contents(atPath: path) ?? Data()) }

    @Test(arguments: TestPaths.fixtures)
    func chunkingNeverChangesTheResult(_ name: String) throws {
        let data = Self.bytes(TestPaths.fixture(name))
        let whole = try transcript(data)
        #expect(!whole.isEmpty)
        #expect(try transcript(data, chunks: [1]) == whole)
        var rng = SplitMix64(seed: UInt64(name.utf8.count))
        for _ in 0..<5 {
            let chunks = (0..<16).map { _ in Int(rng.next() % 97) + 1 }
            #expect(try transcript(data, chunks: chunks) == whole)
        }
        // A small buffer forces buffer moves and growth.
        #expect(try transcript(data, chunks: [3, 7], options: .init(chunkSize: 64)) == whole)
    }

    @Test func readsACleanRecording() throws {
        let lines = try transcript(Self.bytes(TestPaths.fixture("clean.jsonl")))
        #expect(lines.count == 4)
        #expect(lines[0].contains("header"))
        #expect(lines[1].contains("frame s2c text session.created t=0"))
        #expect(lines[3].contains("response.text.delta t=2750"))
    }

    @Test func reportsATruncatedLastLineAndKeepsTheRest() throws {
        let lines = try transcript(Self.bytes(TestPaths.fixture("truncated-last-line.jsonl")))
        #expect(lines.filter { $0.contains(" frame ") }.count == 2)
        #expect(lines.last?.hasPrefix("4@") == true)
        #expect(lines.last?.contains("warning truncated-line") == true)
    }

    @Test func toleratesBOMCRLFAndBlankLines() throws {
        let lines = try transcript(Self.bytes(TestPaths.fixture("bom-crlf-blank.jsonl")))
        #expect(lines.contains { $0.contains("note bom") })
        #expect(lines.filter { $0.contains("note crlf") }.count == 1)
        #expect(lines.filter { $0.contains("blank-line") }.map { $0.prefix(2) } == ["3@", "4@"])
        #expect(lines.filter { $0.contains(" frame ") }.count == 2)
        #expect(lines.contains { $0.hasPrefix("5@") && $0.contains("session.update") })
    }

    @Test func reportsBadLinesWithLineNumbersAndContinues() throws {
        let lines = try transcript(Self.bytes(TestPaths.fixture("invalid-lines.jsonl")))
        #expect(lines.contains { $0.hasPrefix("3@") && $0.contains("error invalid-json") })
        #expect(lines.contains { $0.hasPrefix("4@") && $0.contains("invalid UTF-8") })
        #expect(lines.contains { $0.hasPrefix("5@") && $0.contains("response.text.delta") })
        #expect(lines.contains { $0.hasPrefix("6@") && $0.contains("not-a-frame") })
    }

    @Test func warnsOnceAboutAMissingHeader() throws {
        let lines = try transcript(Self.bytes(TestPaths.fixture("missing-header.jsonl")))
        #expect(lines.filter { $0.contains("missing-header") }.count == 1)
        #expect(lines.filter { $0.contains(" frame ") }.count == 2)
    }

    @Test func readsANewerVersionWithAWarning() throws {
        let reader = RecordingReader(source: MemorySource(Self.bytes(TestPaths.fixture("future-version.jsonl"))))
        var issues: [ReaderIssue] = []
        var frames = 0
        try reader.read { event in
            if case .issue(let issue) = event { issues.append(issue) }
            if case .line(let line) = event, line.kind == .frame { frames += 1 }
            return true
        }
        #expect(reader.header?.version == 7)
        #expect(issues.map(\.code) == [.newerVersion])
        #expect(frames == 1)
    }

    @Test func decodesEveryFrameKind() throws {
        let reader = RecordingReader(source: try FileSource(path: TestPaths.fixture("frame-kinds.jsonl")))
        var frames: [Frame] = []
        var objects: [String?] = []
        try reader.read { event in
            if case .line(let line) = event, let frame = line.frame() {
                frames.append(frame)
                objects.append(line.event()?.string(at: "type"))
            }
            return true
        }
        #expect(frames.map(\.opcode) == [.text, .binary, .ping, .text, .close])
        #expect(frames[0].payload == Array("not json at all".utf8))
        #expect(frames[1].payload == [0, 1, 2, 3])
        #expect(objects[3] == "input_audio_buffer.clear")
        #expect(frames[4].closeCode == 4000)
        #expect(String(decoding: frames[4].payload, as: UTF8.self) == "beta_api_shape_disabled")
    }

    @Test func skipsALineOverTheLimitWithoutHoldingIt() throws {
        let header = Array(#"{"format":"rtscope-recording","version":1,"created":"x","tool":"t","source":"s"}"#.utf8)
        let big =
            Array(#"{"seq":1,"t_us":0,"dir":"c2s","op":"text","event":{"type":"x","a":""#.utf8)
            + [UInt8](repeating: 0x41, count: 5000) + Array(#""}}"#.utf8)
        let small = Array(#"{"seq":2,"t_us":1,"dir":"c2s","op":"text","event":{"type":"y"}}"#.utf8)
        let data = header + [0x0A] + big + [0x0A] + small + [0x0A]
        let options = RecordingReader.Options(chunkSize: 256, maxLineBytes: 1024)
        let lines = try transcript(data, options: options)
        #expect(
            lines.contains { $0.hasPrefix("2@") && $0.contains("line-too-long") && $0.contains("\(big.count) bytes") })
        #expect(lines.contains { $0.hasPrefix("3@") && $0.contains(" y ") })
        #expect(try transcript(data, chunks: [1], options: options) == lines)
    }

    /// Runs on a thread of its own (it takes half a minute in a debug build): on the shared pool it
    /// would hold one of the two threads that the proxy tests' peers need, and starve them.
    @Test func readsAHundredMegabyteLine() async throws {
        let lines = try await onOwnThread {
            let prefix = Array(
                #"{"seq":1,"t_us":0,"dir":"c2s","op":"text","event":{"type":"input_audio_buffer.append","audio":""#.utf8
            )
            var data = prefix
            data.append(contentsOf: repeatElement(UInt8(ascii: "Q"), count: 100_000_000))
            data.append(contentsOf: Array("\"}}\n".utf8))
            return try transcript(data, chunks: [65_521])
        }
        #expect(lines.count == 2)  // missing-header warning + the frame
        #expect(lines.last?.contains("input_audio_buffer.append") == true)
    }

    @Test func reportsDeepNestingAsInvalidJSON() throws {
        let deep =
            #"{"seq":1,"t_us":0,"dir":"c2s","op":"text","event":"# + String(repeating: "[", count: 200_000)
            + String(repeating: "]", count: 200_000) + "}\n"
        let lines = try transcript(Array(deep.utf8))
        #expect(lines.count == 1)
        #expect(lines[0].contains("nesting deeper than 512"))
    }
}

struct RecordingIndexTests {
    @Test func indexesEverySampleAndDecodesEventsLazily() throws {
        for path in TestPaths.samples {
            let index = try RecordingIndex.build(RecordingReader(source: try FileSource(path: path)))
            #expect(index.issues.isEmpty, "\(path)")
            #expect(index.header?.format == RecordingHeader.formatName)
            let lines = (try String(contentsOfFile: path, encoding: .utf8)).split(separator: "\n")
            #expect(index.entries.count == lines.count - 1)
            for (i, entry) in index.entries.enumerated() {
                let event = try #require(index.event(at: i, path: path))
                #expect(event.string(at: "type") == index.type(of: i))
                #expect(entry.eventIDHash == RecordingIndex.hash((event.string(at: "event_id") ?? "").utf8))
            }
        }
    }

    @Test func internsRepeatedTypesAndIDs() throws {
        let path = TestPaths.repoRoot.appendingPathComponent("recordings/text-in-text-out.jsonl").path
        let index = try RecordingIndex.build(RecordingReader(source: try FileSource(path: path)))
        let deltas = index.entries.filter { index.string($0.type) == "response.text.delta" }
        #expect(deltas.count == 7)
        #expect(Set(deltas.map(\.type)).count == 1)
        #expect(Set(deltas.map(\.responseID)).count == 1)
        #expect(index.string(deltas[0].responseID) == "resp_T001")
        let created = try #require(index.entries.first { index.string($0.type) == "response.created" })
        #expect(created.responseID == deltas[0].responseID)  // response.id counts as the response id
    }

    @Test(arguments: TestPaths.samples)
    func samplesReadIdenticallyWhateverTheChunking(_ path: String) throws {
        let data = RecordingReaderTests.bytes(path)
        let whole = try transcript(data)
        #expect(whole.allSatisfy { $0.contains(" frame ") || $0.contains(" header ") })  // no reader issues
        #expect(try transcript(data, chunks: [1]) == whole)
        #expect(try transcript(data, chunks: [4093, 17, 65_536]) == whole)
    }
}

struct DamagedHeaderTests {
    /// A sample recording with one byte of its header line changed (in `"version":1`, or in the format name).
    static func damaged(at marker: String, offset: Int = 0) throws -> (bytes: [UInt8], frames: Int) {
        let path = TestPaths.repoRoot.appendingPathComponent("recordings/barge-in.jsonl").path
        var bytes = Array(FileManager.default.contents(atPath: path) ?? Data())
        let frames = bytes.split(separator: 0x0A).count - 1
        let text = String(decoding: bytes, as: UTF8.self)
        let at = try #require(text.range(of: marker)).lowerBound.utf16Offset(in: text) + offset
        bytes[at] = UInt8(ascii: "x")
        return (bytes, frames)
    }

    @Test(arguments: [("\"version\":1", 10), ("rtscope-recording", 3), ("{\"format\"", 0)])
    func aDamagedHeaderLineKeepsTheFramesWithABadHeaderIssue(_ marker: String, _ offset: Int) throws {
        let (bytes, frames) = try Self.damaged(at: marker, offset: offset)
        let lines = try transcript(bytes)
        #expect(lines.filter { $0.contains(" frame ") }.count == frames)
        #expect(lines.filter { $0.contains("error bad-header") && $0.hasPrefix("1@") }.count == 1)
        #expect(!lines.contains { $0.contains("invalid-json") || $0.contains("missing-header") })
        // Opened from a file, it is recognised as a recording (it was taken for a HAR and refused with exit 66).
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-flip-\(UUID()).jsonl").path
        FileManager.default.createFile(atPath: file, contents: Data(bytes))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let opened = try RecordingInput.open(file)
        #expect(opened.importedFrom == nil)
        var read = 0
        try opened.reader.read { event in
            if case .line(let line) = event, line.kind == .frame { read += 1 }
            return true
        }
        #expect(read == frames)
    }
}
