import Foundation
import RealtimeSession
import Testing

/// `AudioExport` checked against the raw frames, decoded here with Foundation.
struct AudioExportTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct Frame {
        let line: Int
        let tUs: Int
        let event: [String: Any]
        var type: String { event["type"] as? String ?? "" }
    }

    static func frames(_ text: String) throws -> [Frame] {
        try text.split(separator: "\n").enumerated().compactMap { k, line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let event = object["event"] as? [String: Any], let t = object["t_us"] as? Int
            else { return nil }
            return Frame(line: k + 1, tUs: t, event: event)
        }
    }

    /// The samples of a WAV file (after its 44-byte header) and its format fields.
    static func wav(_ path: String) throws -> (format: Int, channels: Int, rate: Int, data: [UInt8]) {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        func u16(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 }
        func u32(_ o: Int) -> Int { u16(o) | u16(o + 2) << 16 }
        #expect(Array(bytes[0..<4]) == Array("RIFF".utf8))
        #expect(u32(40) == bytes.count - 44)  // the data size was patched in
        return (u16(20), u16(22), u32(24), Array(bytes[44...]))
    }

    static func export(_ sample: String) throws -> (folder: String, frames: [Frame]) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-audio-\(UUID())").path
        let path = root.appendingPathComponent("recordings/\(sample)").path
        _ = try AudioExport.run(path, options: AudioExport.Options(outDir: folder))
        return (folder, try frames(String(contentsOfFile: path, encoding: .utf8)))
    }

    @Test func itemsHoldExactlyTheirAudioAndTheHeardCutSitsAtTheSample() throws {
        let (folder, frames) = try Self.export("barge-in.jsonl")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Output: every delta of the item, decoded in order.
        let deltas = frames.filter {
            $0.type == "response.audio.delta" && $0.event["item_id"] as? String == "item_A301"
        }
        let expected = deltas.flatMap { [UInt8](Data(base64Encoded: $0.event["delta"] as? String ?? "") ?? Data()) }
        let output = try Self.wav("\(folder)/barge-in.output.item_A301.wav")
        #expect((output.format, output.channels, output.rate) == (1, 1, 24000))
        #expect(output.data == expected)
        // As heard: the truncate's audio_end_ms (320) at 24 kHz pcm16 = 7,680 samples = 15,360 bytes.
        let heard = try Self.wav("\(folder)/barge-in.output.item_A301.heard.wav")
        #expect(heard.data == Array(expected.prefix(320 * 48)))
        // Input: the appends before the item's commit.
        let commit = try #require(frames.first { $0.type == "input_audio_buffer.committed" })
        let appends = frames.filter { $0.type == "input_audio_buffer.append" && $0.line < commit.line }
        let input = try Self.wav("\(folder)/barge-in.input.item_U301.wav")
        #expect(
            input.data == appends.flatMap { [UInt8](Data(base64Encoded: $0.event["audio"] as? String ?? "") ?? Data()) }
        )
    }

    @Test func theMixPlacesEachChunkAtItsRecordedTime() throws {
        let (folder, frames) = try Self.export("audio-vad.jsonl")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let mix = try Self.wav("\(folder)/audio-vad.mix.wav")
        #expect((mix.format, mix.channels, mix.rate) == (1, 2, 24000))
        func channel(_ right: Bool, from sample: Int, count: Int) -> [UInt8] {
            (sample..<(sample + count)).flatMap { s -> [UInt8] in
                let o = s * 4 + (right ? 2 : 0)
                return o + 1 < mix.data.count ? [mix.data[o], mix.data[o + 1]] : [0, 0]
            }
        }
        // The third input chunk (user, left) starts at its own t_us: within one 10 ms frame (exactly here).
        let append = frames.filter { $0.type == "input_audio_buffer.append" }[2]
        let chunk = [UInt8](Data(base64Encoded: append.event["audio"] as? String ?? "") ?? Data())
        #expect(channel(false, from: append.tUs * 24 / 1000, count: chunk.count / 2) == chunk)
        // The first assistant chunk (right) starts when it arrived.
        let delta = try #require(frames.first { $0.type == "response.audio.delta" })
        let audio = [UInt8](Data(base64Encoded: delta.event["delta"] as? String ?? "") ?? Data())
        #expect(channel(true, from: delta.tUs * 24 / 1000, count: audio.count / 2) == audio)
    }

    /// Hand-made G.711 sessions: the item keeps the μ-law / A-law bytes (WAV formats 7 / 6 at
    /// 8 kHz); the mix decodes them as sox does.
    @Test(arguments: [("g711_ulaw", 7, "ul"), ("g711_alaw", 6, "al")])
    func g711ItemsKeepTheirBytesAndTheMixDecodesThemAsSoxDoes(format: String, tag: Int, soxType: String) throws {
        let raw = (0..<256).map { UInt8($0) }
        let lines = [
            #"{"format":"rtscope-recording","version":1,"created":"2026-11-30T00:00:00.000000Z","tool":"hand-made","source":"synthetic"}"#,
            #"{"seq":1,"t_us":0,"dir":"s2c","op":"text","event":{"type":"session.created","event_id":"e1","session":{"output_audio_format":"\#(format)"}}}"#,
            #"{"seq":2,"t_us":1000,"dir":"s2c","op":"text","event":{"type":"response.audio.delta","event_id":"e2","response_id":"r1","item_id":"i1","output_index":0,"content_index":0,"delta":"\#(Data(raw).base64EncodedString())"}}"#,
        ]
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-g711-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = "\(folder)/g711.jsonl"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        _ = try AudioExport.run(path, options: AudioExport.Options(outDir: folder))
        let item = try Self.wav("\(folder)/g711.output.i1.wav")
        #expect((item.format, item.channels, item.rate) == (tag, 1, 8000))
        #expect(item.data == raw)
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sox") else { return }
        try Data(raw).write(to: URL(fileURLWithPath: "\(folder)/in.raw"))
        let sox = Process()
        sox.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        sox.arguments = [
            "-t", soxType, "-r", "8000", "-c", "1", "\(folder)/in.raw", "-t", "s16", "-e", "signed", "-L",
            "\(folder)/out.raw",
        ]
        try sox.run()
        sox.waitUntilExit()
        let reference = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(folder)/out.raw")))
        // The mix holds each decoded sample three times (8 kHz → 24 kHz), right channel, from t = 1 ms (sample 24).
        let mix = try Self.wav("\(folder)/g711.mix.wav")
        var decoded: [UInt8] = []
        for k in 0..<raw.count {
            let o = (24 + k * 3) * 4 + 2
            decoded += [mix.data[o], mix.data[o + 1]]
        }
        #expect(decoded == reference)
    }

    /// The GA name of the output delta (read through the catalog) exports the same bytes.
    @Test func gaOutputDeltasExportLikeBetaOnes() throws {
        let sample = try String(
            contentsOf: Self.root.appendingPathComponent("recordings/barge-in.jsonl"), encoding: .utf8)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-ga-audio-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try sample.write(toFile: "\(folder)/beta.jsonl", atomically: true, encoding: .utf8)
        try sample.replacingOccurrences(of: "\"response.audio.delta\"", with: "\"response.output_audio.delta\"")
            .write(toFile: "\(folder)/ga.jsonl", atomically: true, encoding: .utf8)
        _ = try AudioExport.run("\(folder)/beta.jsonl", options: AudioExport.Options(outDir: folder))
        _ = try AudioExport.run("\(folder)/ga.jsonl", options: AudioExport.Options(outDir: folder))
        let beta = try Self.wav("\(folder)/beta.output.item_A301.wav")
        let ga = try Self.wav("\(folder)/ga.output.item_A301.wav")
        #expect(!ga.data.isEmpty)
        #expect(ga.data == beta.data)
    }
}
