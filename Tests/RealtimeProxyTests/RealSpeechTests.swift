import Foundation
import RealtimeProtocol
import RealtimeProxy
import RealtimeRecording
import RealtimeSession
import RealtimeSimulation
import Testing

/// Real speech through the recorder, exported as WAV.
///
/// Speech from espeak-ng (resampled by sox) is streamed through `serve` and the recorder, then
/// exported by `rtscope audio`: the user's item holds exactly the samples that were sent, and the
/// mix places them at their recorded times. `.ci/run` installs espeak-ng and sox.
struct RealSpeechTests {
    static func tool(_ name: String) -> String? {
        ["/usr/bin/\(name)", "/usr/local/bin/\(name)"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(tool) \(arguments)")
    }

    /// "Hello rtscope" spoken by espeak-ng, as 16-bit mono PCM at 24 kHz.
    static func speech(in folder: String) throws -> [UInt8] {
        let espeak = try #require(tool("espeak-ng"), "espeak-ng is missing: apt-get install espeak-ng")
        let sox = try #require(tool("sox"), "sox is missing: apt-get install sox")
        let wav = folder + "/speech.wav"
        let raw = folder + "/speech.raw"
        try run(espeak, ["-w", wav, "Hello rtscope, what is the weather in Paris today?"])
        try run(sox, [wav, "-r", "24000", "-c", "1", "-b", "16", "-e", "signed-integer", "-t", "raw", raw])
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: raw)))
    }

    /// The samples after a WAV file's 44-byte header, and its sample rate.
    static func wav(_ path: String) throws -> (rate: Int, data: [UInt8]) {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let rate = (0..<4).reduce(0) { $0 | Int(bytes[24 + $1]) << (8 * $1) }
        return (rate, Array(bytes[44...]))
    }

    /// `t_us` of every `input_audio_buffer.append` frame, read with Foundation.
    static func appendTimes(_ recording: String) throws -> [Int] {
        try String(contentsOfFile: recording, encoding: .utf8).split(separator: "\n").compactMap { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                (object["event"] as? [String: Any])?["type"] as? String == "input_audio_buffer.append"
            else { return nil }
            return object["t_us"] as? Int
        }
    }

    @Test func spokenInputExportsSampleForSampleAndTheMixPlacesItOnTime() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("speech-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var speech = try Self.speech(in: folder)
        speech.removeLast(speech.count % 2)
        #expect(speech.count > 48_000, "at least a second of speech")

        let server = try await RunningSimulator.start { $0.options.deltaIntervalMs = 2 }
        let proxy = try await RunningProxy.start(.url(server.url("/v1/realtime?model=gpt-realtime")))
        defer { proxy.stop(); server.stop() }
        let manual: JSON = .object([("turn_detection", .null)])
        let script = ClientScript(
            dialect: .beta,
            steps: [
                .send(.object([("type", "session.update"), ("session", manual)])), .waitFor("session.updated"),
                .appendAudio(speech), .send(.object([("type", "input_audio_buffer.commit")])),
                .waitFor("input_audio_buffer.committed"), .send(.object([("type", "response.create")])),
                .waitFor("response.done"), .close,
            ])
        try await ScriptedClient.run(
            script, url: proxy.url("/v1/realtime?model=gpt-realtime"), headers: [("OpenAI-Beta", "realtime=v1")])
        let recording = try #require(await proxy.waitForConnections(1).first?.path)

        let out = folder + "/audio"
        let result = try AudioExport.run(recording, options: AudioExport.Options(outDir: out))
        #expect(result.warnings == [])
        let input = try #require(result.files.first { $0.contains(".input.") })
        #expect(try Self.wav(input).data == speech, "the exported item is the sent audio, sample for sample")
        #expect(try Self.wav(input).rate == 24000)
        #expect(result.files.contains { $0.contains(".output.") }, "the simulator's spoken answer is exported too")

        // The mix: each append's samples sit in the left channel within one 10 ms frame (240
        // samples) of the append's recorded time, or of the previous append's end when the client
        // sent faster than real time (the scripted client sends without pacing).
        let mix = try Self.wav(try #require(result.files.first { $0.hasSuffix(".mix.wav") })).data
        let appends = try Self.appendTimes(recording)
        #expect(appends.count == (speech.count + 4799) / 4800)
        var previousEnd = 0
        for (k, append) in appends.enumerated() {
            let chunk = Array(speech[(k * 4800)..<min(speech.count, k * 4800 + 4800)])
            let expected = max(append * 24 / 1000, previousEnd)
            previousEnd = expected + chunk.count / 2
            let found = (max(0, expected - 240)...(expected + 240)).first { start in
                (0..<min(48, chunk.count / 2)).allSatisfy { s in
                    let o = (start + s) * 4
                    return o + 1 < mix.count && mix[o] == chunk[s * 2] && mix[o + 1] == chunk[s * 2 + 1]
                }
            }
            #expect(found != nil, "append \(k) at \(append) µs is in the mix within 10 ms")
        }
    }
}
