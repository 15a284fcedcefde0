import Foundation
import RealtimeProtocol
import Testing

@testable import RealtimeRecording

/// A HAR of `messages` WebSocket messages, generated as it is read (never held whole).
struct GeneratedHAR: ByteSource {
    let name = "generated.har"
    let messages: Int
    private var next = -1
    private var pending: [UInt8] = []

    init(messages: Int) { self.messages = messages }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while pending.isEmpty, next <= messages {
            if next == -1 {
                pending = Array(
                    #"{"log":{"version":"1.2","entries":[{"_webSocketMessages":["#.utf8)
            } else if next == messages {
                pending = Array(
                    #"],"request":{"method":"GET","url":"wss://h/v1/realtime?model=m"},"response":{"status":101}}]}}"#
                        .utf8)
            } else {
                let data = #"{\"type\":\"response.output_text.delta\",\"event_id\":\"event_\#(next)\",\"delta\":\"x\"}"#
                pending = Array(
                    ((next > 0 ? "," : "") + #"{"type":"receive","time":1.5,"opcode":1,"data":"\#(data)"}"#).utf8)
            }
            next += 1
        }
        let n = min(buffer.count, pending.count)
        pending.withUnsafeBytes { src in
            if let from = src.baseAddress { buffer.baseAddress?.copyMemory(from: from, byteCount: n) }
        }
        pending.removeFirst(n)
        return n
    }
}

struct StreamingImportTests {
    @Test func aLargeHARIsImportedHoldingOneChunkNotTheFile() throws {
        let cursor = JSONCursor(GeneratedHAR(messages: 60_000))  // about 6.6 MB
        let recordings = try HARImporter.importHAR(cursor, name: "g.har", fileName: "g.har", created: Date())
        #expect(recordings.count == 1)
        #expect(recordings[0].frameCount == 60_000)
        #expect(recordings[0].header.upstream == "wss://h/v1/realtime?model=m")  // request after the messages
        #expect(cursor.offset > 6_000_000)
        #expect(cursor.peakBuffer <= 2 << 20)
    }

    @Test func importsDoNotDependOnHowTheInputIsChunked() throws {
        let inputs: [(String, LogImporter.Kind)] = [
            ("devtools.har", .har), ("events-array.json", .jsonArray), ("events.jsonl", .jsonlEvents),
            ("wrapped.jsonl", .jsonlEvents),
        ]
        for (name, kind) in inputs {
            let bytes = ImporterTests.load(name)
            let created = Date(timeIntervalSince1970: 0)
            let whole = try LogImporter.importBytes(bytes, kind: kind, name: name, created: created).map {
                try $0.encoded()
            }
            for chunks in [[1], [2, 3, 5, 7], [64]] {
                let chunked = try LogImporter.importSource(
                    MemorySource(bytes, name: name, chunkSizes: chunks), kind: kind, name: name, created: created
                ).map { try $0.encoded() }
                #expect(chunked == whole, "\(name) in chunks of \(chunks)")
            }
        }
    }

    @Test func brokenDocumentsAreRefusedWithTheirOffset() {
        let cases: [(String, LogImporter.Kind, String)] = [
            (#"[{"type":"a"},{"type":"b""#, .jsonArray, "not a valid JSON array"),
            (#"[{"type":"a"} {"type":"b"}]"#, .jsonArray, "not a valid JSON array"),
            (#"{"log":{"entries":[{"_webSocketMessages":[{"type":"send"}"#, .har, "at byte"),
            (#"{"log":{"entries":[]}} x"#, .har, "extra data"),
            (#"{"nolog":1}"#, .har, "without log.entries"),
        ]
        for (text, kind, expected) in cases {
            #expect(throws: RecordingError.self) {
                do {
                    _ = try LogImporter.importBytes(Array(text.utf8), kind: kind, name: "x")
                } catch let error as RecordingError {
                    #expect(error.description.contains(expected), "\(text): \(error)")
                    throw error
                }
            }
        }
    }
}
