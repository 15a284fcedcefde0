import Foundation
import RealtimeProtocol
import Testing

@testable import RealtimeRecording

/// The one-pass path for bare events, and imports written straight to their output (`ImportOutput`).
struct DirectImportTests {
    /// Hand-made lines covering what decides a frame: known and unknown types, event ids, escapes, repeated keys,
    /// whitespace, raw CR, secrets, non-objects and wrappers.
    static let lines: [String] = [
        #"{"type":"session.created","event_id":"event_1","session":{"id":"sess_1"}}"#,
        #"{"type":"response.output_audio_transcript.delta","event_id":"event_2","delta":"hi"}"#,
        #"{"type":"input_audio_buffer.append","audio":"AAAA"}"#,
        #"{"type":"x.unknown","event_id":"event_3"}"#,
        #"{"type":"x.unknown","event_id":"evt_3"}"#,
        #"{"type":"x.unknown","event_id":7}"#,
        #"{"type":"x.unknown","event_id":"\u0065vent_4"}"#,
        #"{"type":"x.unknown","event_id":"event_\u0301x"}"#,
        #"{"type":"session.\u0063reated","event_id":"event_5"}"#,
        #"{"type":7,"type":"response.done","event_id":"event_6"}"#,
        #"{"type":"response.done","type":{"a":1}}"#,
        #"{"t\u0079pe":"response.done","type":"session.update"}"#,
        #"  {"type":"session.update" , "session" : {"instructions":"a\nb"} }  "#,
        "{\"type\":\"session.update\",\r\"x\":1}",
        #"{"type":"session.update","session":{"client_secret":{"value":"ek_abc","expires_at":1}}}"#,
        #"{"type":"x","key":"ek_1"}"#,
        #"{"type":"response.done","nested":[{"type":1},[[]],{"":null}],"n":-1.5e3,"t":true}"#,
        #"{"type":"response.done","bad":tru}"#,
        #"{"type":"response.done""#,
        #"{"event":{"type":"response.done"},"direction":"s2c","timestamp":1764494000.5}"#,
        #"[{"type":"response.done"}]"#,
        #""type""#,
        #"{"type":"é.ü","event_id":"event_7"}"#,
    ]

    @Test func theOnePassPathMakesTheFramesTheGeneralPathMakes() throws {
        let created = Date(timeIntervalSince1970: 0)
        let onePass = try EventLogImporter(kind: .jsonlEvents)
        let general = try EventLogImporter(kind: .jsonlEvents)
        for (k, line) in Self.lines.enumerated() {
            let bytes = Array(line.utf8)
            try bytes.withUnsafeBytes { try onePass.add($0, number: k + 1) }
            try general.add(bytes, number: k + 1)
        }
        let a = try onePass.finish(name: "a", fileName: "a", created: created)
        let b = try general.finish(name: "a", fileName: "a", created: created)
        #expect(a.frameCount == b.frameCount)
        #expect(a.warnings == b.warnings)
        #expect(String(decoding: try a.encoded(), as: UTF8.self) == String(decoding: try b.encoded(), as: UTF8.self))
        #expect(onePass.onePassItems >= 12, "most lines took the one-pass path")
        #expect(general.onePassItems == 0)
    }

    /// A scratch directory, removed by the caller.
    static func directory() throws -> String {
        let dir = NSTemporaryDirectory() + "rtscope-direct-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func importBoth(_ text: String, in dir: String, output: String) throws -> (direct: Data, spooled: Data) {
        let input = dir + "/in.jsonl"
        try Data(text.utf8).write(to: URL(fileURLWithPath: input))
        let created = Date(timeIntervalSince1970: 1_764_494_000)
        let direct = try #require(ImportOutput(path: output))
        let found = try LogImporter.importFile(input, output: direct, created: created)
        try #require(found.recordings.count == 1)
        try found.recordings[0].write(to: output)
        let spooled = try LogImporter.importFile(input, created: created).recordings[0].encoded()
        return (try Data(contentsOf: URL(fileURLWithPath: output)), Data(spooled))
    }

    @Test func aDirectImportWritesTheBytesTheSpoolWould() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (direct, spooled) = try Self.importBoth(
            Self.lines.joined(separator: "\n"), in: dir, output: dir + "/out.jsonl")
        #expect(direct == spooled)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["in.jsonl", "out.jsonl"])
    }

    @Test func aFactFoundAfterTheFirstMebibyteRewritesTheHeader() throws {
        // 1.3 MiB of plain events, so the provisional header is written before the late fact is seen.
        let plain = String(
            repeating: #"{"type":"x.unknown","event_id":"event_1","pad":"\#(String(repeating: "p", count: 200))"}"#
                + "\n",
            count: 6000)
        let late = [
            #"{"type":"session.update","session":{"client_secret":{"value":"ek_abc"}}}"#,  // redacted
            #"{"type":"response.audio_transcript.delta","event_id":"event_2"}"#,  // the dialect (beta)
            #"{"event":{"type":"response.done"},"timestamp":1764494000.5}"#,  // the first timestamp
        ]
        for line in late {
            let dir = try Self.directory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let (direct, spooled) = try Self.importBoth(plain + line + "\n", in: dir, output: dir + "/out.jsonl")
            #expect(direct == spooled, "\(line)")
            #expect(!String(decoding: direct, as: UTF8.self).contains("ek_abc"))
        }
    }

    @Test func replacingAFileKeepsItsModeAndAFailedImportKeepsTheFile() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let output = dir + "/out.jsonl"
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: output))
        chmod(output, 0o600)
        let (direct, spooled) = try Self.importBoth(Self.lines[0], in: dir, output: output)
        #expect(direct == spooled)
        let mode = try FileManager.default.attributesOfItem(atPath: output)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        // A JSONL log with no typed event, and a JSON array cut after its first event (a frame already written).
        let failing = [("none.jsonl", #"{"event":{"a":1}}"#), ("cut.json", #"[{"type":"session.created"},{"type""#)]
        for (name, text) in failing {
            try Data("old\n".utf8).write(to: URL(fileURLWithPath: output))
            try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/" + name))
            #expect(throws: RecordingError.self) {
                _ = try LogImporter.importFile(dir + "/" + name, output: ImportOutput(path: output))
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == Data("old\n".utf8))
        }
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == [
                "cut.json", "in.jsonl", "none.jsonl", "out.jsonl",
            ])
    }

    @Test func devicesLinksAndStandardOutputAreNotWrittenDirectly() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data().write(to: URL(fileURLWithPath: dir + "/target"))
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: dir + "/target")
        link(dir + "/target", dir + "/hard")
        for path in ["-", "/dev/null", dir + "/link", dir + "/target", dir + "/missing/out.jsonl"] {
            #expect(ImportOutput(path: path) == nil, "\(path)")
        }
        #expect(ImportOutput(path: dir + "/new.jsonl") != nil)
    }
}
