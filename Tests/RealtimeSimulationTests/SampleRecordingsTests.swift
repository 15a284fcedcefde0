import Foundation
import RealtimeRecording
import RealtimeValidation
import Testing

@testable import RealtimeSimulation

/// The bundled samples (`recordings/*.jsonl`) are exactly what `rtscope-samples` writes, so they
/// cannot drift from the simulator; and what they were made to show is still in them.
struct SampleRecordingsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func scratch() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-samples-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func theCommittedSamplesAreByteForByteWhatTheGeneratorWrites() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let written = try SampleRecordings.write(into: folder)
        let committed = try FileManager.default.contentsOfDirectory(
            atPath: Self.root.appendingPathComponent("recordings").path
        ).filter { $0.hasSuffix(".jsonl") }.sorted()
        #expect(written.map { ($0 as NSString).lastPathComponent }.sorted() == committed)
        for path in written {
            let name = (path as NSString).lastPathComponent
            let ours = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            let theirs = try String(
                contentsOfFile: Self.root.appendingPathComponent("recordings/\(name)").path, encoding: .utf8
            ).split(separator: "\n")
            let line = Array(zip(ours, theirs)).firstIndex { $0.0 != $0.1 }.map { $0 + 1 }
            let same = ours == theirs  // not inside #expect, which would print both files
            #expect(
                same,
                "recordings/\(name) differs from what rtscope-samples writes (first at line \(line ?? min(ours.count, theirs.count) + 1)); run `swift run rtscope-samples`"
            )
        }
    }

    @Test func twoRunsGiveTheSameFrames() {
        for sample in SampleRecordings.all {
            #expect(sample.frames() == sample.frames(), "\(sample.file)")
        }
    }

    /// Each sample validates as it says: clean, except the two documented client mistakes in `errors`.
    @Test(arguments: SampleRecordings.all.map(\.file))
    func eachSampleShowsWhatItsNoteSays(file: String) throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let sample = try #require(SampleRecordings.all.first { $0.file == file })
        try sample.write(to: "\(folder)/\(file)")
        let report = try ValidationRun.validate(path: "\(folder)/\(file)")
        let rules = report.findings.map(\.rule).sorted()
        if file == "errors.jsonl" {
            #expect(rules == ["response-create-while-active", "server-error", "server-error"])
        } else {
            #expect(rules == [])
        }
        let types = Set(sample.frames().compactMap { Self.type(of: $0.text) })
        switch file {
        case "audio-vad.jsonl":
            #expect(
                types.isSuperset(of: [
                    "input_audio_buffer.speech_started", "input_audio_buffer.speech_stopped",
                    "input_audio_buffer.committed", "response.audio.delta", "response.audio_transcript.delta",
                    "conversation.item.input_audio_transcription.completed",
                ]))
        case "barge-in.jsonl":
            let cancelled = sample.frames().contains {
                $0.text.contains(
                    #""status":"cancelled","status_details":{"type":"cancelled","reason":"turn_detected"}"#)
            }
            #expect(cancelled)
            #expect(types.isSuperset(of: ["conversation.item.truncate", "conversation.item.truncated"]))
        case "function-call.jsonl":
            #expect(
                types.isSuperset(of: [
                    "response.function_call_arguments.delta", "response.function_call_arguments.done",
                ]))
        case "ga-text-session.jsonl":
            #expect(
                types.isSuperset(of: [
                    "conversation.item.added", "conversation.item.done", "response.output_text.delta",
                ]))
        default: break
        }
    }

    static func type(of text: String) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?["type"] as? String
    }
}
