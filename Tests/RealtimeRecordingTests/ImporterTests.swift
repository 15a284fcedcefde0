import Foundation
import RealtimeProtocol
import Testing

@testable import RealtimeRecording

struct ImporterTests {
    static func load(_ name: String) -> [UInt8] {
        Array(FileManager.default.contents(atPath: TestPaths.fixture("imports/\(name)")) ?? Data())
    }

    /// Reads an imported recording back through the reader and returns its frames.
    static func roundTrip(_ recording: ImportedRecording) throws -> [Frame] {
        let reader = RecordingReader(source: MemorySource(try recording.encoded()))
        var frames: [Frame] = []
        var issues: [ReaderIssue] = []
        try reader.read { event in
            switch event {
            case .line(let line): if let frame = line.frame() { frames.append(frame) }
            case .issue(let issue): issues.append(issue)
            }
            return true
        }
        #expect(issues.isEmpty)
        return frames
    }

    @Test func detectsEachInputKind() {
        #expect(LogImporter.detect(prefix: Self.load("devtools.har")) == .har)
        #expect(LogImporter.detect(prefix: Self.load("events-array.json")) == .jsonArray)
        #expect(LogImporter.detect(prefix: Self.load("events.jsonl")) == .jsonlEvents)
        #expect(LogImporter.detect(prefix: Self.load("wrapped.jsonl")) == .jsonlEvents)
        let recording = Array(FileManager.default.contents(atPath: TestPaths.fixture("clean.jsonl")) ?? Data())
        #expect(LogImporter.detect(prefix: recording) == .recording)
        #expect(LogImporter.detect(prefix: Array("hello world".utf8)) == nil)
        // A first line longer than the sniffed prefix is still recognised.
        let cut = Array(
            #"{"seq":1,"t_us":0,"dir":"c2s","op":"text","event":{"type":"input_audio_buffer.append","audio":"AAAA"#.utf8
        )
        #expect(LogImporter.detect(prefix: cut, complete: false) == .recording)
    }

    @Test func importsEveryWebSocketEntryOfAHAR() throws {
        let recordings = try LogImporter.importBytes(Self.load("devtools.har"), kind: .har, name: "devtools.har")
        #expect(recordings.count == 2)
        let first = recordings[0]
        #expect(first.header.conn == "har-0")
        #expect(first.header.imported?.entry == 0)
        #expect(first.header.dialect == .ga)
        #expect(recordings[1].header.dialect == .beta)
        let frames = try Self.roundTrip(first)
        #expect(
            frames.map(\.direction) == [
                .serverToClient, .clientToServer, .serverToClient, .serverToClient, .serverToClient,
            ])
        #expect(frames.map(\.opcode) == [.text, .text, .text, .binary, .error])
        #expect(frames.map(\.tUs) == [0, 12_500, 150_000, 200_000, 300_000])
        #expect(frames[3].payload == [0, 1, 2, 3])
        #expect(frames[4].directionInferred)
        // The pretty-printed frame is minified without reordering its keys.
        #expect(
            String(decoding: frames[1].payload, as: UTF8.self).hasPrefix(
                #"{"type":"session.update","event_id":"evt_1""#))
    }

    @Test func removesSecretsFromTheHARHandshake() throws {
        let recordings = try LogImporter.importBytes(Self.load("devtools.har"), kind: .har, name: "devtools.har")
        let encoded = String(decoding: try recordings[0].encoded(), as: UTF8.self)
        for secret in ["sk-SECRET123", "sk-SECRET456", "sk-SECRET789"] { #expect(!encoded.contains(secret)) }
        let header = recordings[0].header
        #expect(header.upstream?.contains("api-key=REDACTED") == true)
        #expect(header.handshake?.request?.headers["authorization"] == "Bearer REDACTED")
        #expect(
            header.handshake?.request?.headers["sec-websocket-protocol"] == "realtime, openai-insecure-api-key.REDACTED"
        )
        #expect(
            Set(header.redacted ?? []) == [
                "query:api-key", "header:authorization", "subprotocol:openai-insecure-api-key",
            ])
        #expect(header.handshake?.response?.headers["apim-request-id"] == "abc-123")
    }

    @Test func importsAPrettyJSONArrayInferringDirections() throws {
        let recordings = try LogImporter.importBytes(Self.load("events-array.json"), kind: .jsonArray, name: "a.json")
        let frames = try Self.roundTrip(recordings[0])
        #expect(frames.map(\.direction) == [.serverToClient, .clientToServer, .serverToClient])
        #expect(frames.allSatisfy { $0.directionInferred })
        #expect(frames.allSatisfy { $0.tUs == 0 })
        #expect(recordings[0].header.imported?.timed == false)
        #expect(recordings[0].header.dialect == .ga)
        #expect(
            String(decoding: frames[2].payload, as: UTF8.self).hasPrefix(
                #"{"type":"response.output_text.delta","event_id""#))
    }

    @Test func importsJSONLKeepingLinesByteForByteAndSkippingBadOnes() throws {
        let source = Self.load("events.jsonl")
        let recordings = try LogImporter.importBytes(source, kind: .jsonlEvents, name: "e.jsonl")
        let frames = try Self.roundTrip(recordings[0])
        #expect(frames.count == 3)
        let lines = source.split(separator: 0x0A).map(Array.init)
        #expect(frames[1].payload == lines[1])  // `json.dumps` spacing kept exactly
        #expect(recordings[0].warnings == ["line 3: skipped, not a JSON object"])
    }

    @Test func importsWrappersWithDirectionsAndTimestamps() throws {
        let recordings = try LogImporter.importBytes(Self.load("wrapped.jsonl"), kind: .jsonlEvents, name: "w.jsonl")
        let frames = try Self.roundTrip(recordings[0])
        #expect(frames.map(\.direction) == [.serverToClient, .clientToServer, .serverToClient])
        #expect(!frames.contains { $0.directionInferred })
        #expect(frames.map(\.tUs) == [0, 250_000, 900_000])
        #expect(frames[0].wall == "2026-11-25T09:00:00.100000Z")
        #expect(String(decoding: frames[0].payload, as: UTF8.self).hasPrefix(#"{"type": "session.created""#))
    }

    @Test func refusesInputsThatHaveNothingToImport() {
        #expect(throws: RecordingError.self) {
            try LogImporter.importBytes(Array(#"{"log":{"entries":[]}}"#.utf8), kind: .har, name: "x.har")
        }
        #expect(throws: RecordingError.self) {
            try LogImporter.importBytes(Array("[1,2,3]".utf8), kind: .jsonArray, name: "x.json")
        }
    }

    @Test func redactsQueryHeaderAndSubprotocolSecrets() {
        var removed: [String] = []
        #expect(
            Redactor.url("wss://x/openai/realtime?api-version=1&api-key=abc&deployment=d#f", removed: &removed)
                == "wss://x/openai/realtime?api-version=1&api-key=REDACTED&deployment=d")
        let headers = Redactor.headers(
            ["API-Key": "k", "Authorization": "Bearer t", "User-Agent": "u"], removed: &removed)
        #expect(headers == ["api-key": "REDACTED", "authorization": "Bearer REDACTED", "user-agent": "u"])
        #expect(removed == ["url:fragment", "query:api-key", "header:api-key", "header:authorization"])
    }

    @Test func harImportDropsURLUserinfoAndFragment() throws {
        // Hand-made HAR: credentials in the URL's userinfo and fragment (and a '?' and '@' inside the fragment).
        let har = #"""
            {"log":{"entries":[{"request":{"method":"GET","url":"wss://user:SECRET1@host.example/v1/realtime?model=m#SECRET2?x@y","headers":[]},
            "response":{"status":101,"headers":[]},"_webSocketMessages":[{"type":"receive","time":1.0,"opcode":1,"data":"{\"type\":\"session.created\"}"}]}]}}
            """#
        let recordings = try LogImporter.importBytes(Array(har.utf8), kind: .har, name: "u.har")
        let encoded = String(decoding: try recordings[0].encoded(), as: UTF8.self)
        #expect(!encoded.contains("SECRET1") && !encoded.contains("SECRET2") && !encoded.contains("user:"))
        #expect(recordings[0].header.upstream == "wss://host.example/v1/realtime?model=m")
        #expect(recordings[0].header.handshake?.request?.path == "/v1/realtime?model=m")
        #expect(Set(recordings[0].header.redacted ?? []) == ["url:userinfo", "url:fragment"])
        var removed: [String] = []
        #expect(Redactor.url("wss://a:b@h", removed: &removed) == "wss://h")
        #expect(Redactor.url("/v1/realtime?x=1", removed: &removed) == "/v1/realtime?x=1")
    }
}
