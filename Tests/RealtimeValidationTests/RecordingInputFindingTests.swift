import Foundation
import RealtimeProtocol
import RealtimeRecording
import Testing

@testable import RealtimeValidation

/// Findings about damaged or unusual inputs, from files written to a temporary directory.
struct RecordingInputFindingTests {
    static func temporary(_ bytes: [UInt8], _ ext: String = "jsonl") -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-\(UUID()).\(ext)").path
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    @Test func aFlippedByteInTheHeaderGivesAReaderHeaderFindingAndTheFramesAreValidated() throws {
        var bytes = Array(FileManager.default.contents(atPath: Samples.path("barge-in.jsonl")) ?? Data())
        let clean = try ValidationRun.validate(path: Samples.path("barge-in.jsonl"))
        let at = try #require(String(decoding: bytes, as: UTF8.self).range(of: "\"version\":1")).lowerBound
        bytes[at.utf16Offset(in: String(decoding: bytes, as: UTF8.self)) + 10] = UInt8(ascii: "x")
        let path = Self.temporary(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let report = try ValidationRun.validate(path: path)
        #expect(report.frames == clean.frames)
        #expect(report.findings.filter { $0.rule == "reader.header" }.map(\.line) == [1])
        #expect(!report.findings.contains { $0.rule == "reader.invalid-json" })
    }
}
