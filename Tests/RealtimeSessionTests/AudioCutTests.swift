import Foundation
import RealtimeSession
import Testing

/// Where the user stopped hearing an answer, and what that does to the heard files and the mix.
///
/// Each of the three events that say so is tried. Variants of the bundled barge-in sample, edited here
/// by hand (the sample's client truncates item_A301 of resp_B001 at 320 ms).
struct AudioCutTests {
    static let sample = AudioExportTests.root.appendingPathComponent("recordings/barge-in.jsonl").path

    /// Exports the sample after `edit` changes its lines.
    static func export(
        _ options: (inout AudioExport.Options) -> Void = { _ in }, edit: ([String]) -> [String] = { $0 }
    ) throws -> (folder: String, result: AudioExport.Result, frames: [AudioExportTests.Frame]) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-cut-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let lines = edit(try String(contentsOfFile: sample, encoding: .utf8).split(separator: "\n").map(String.init))
        let path = folder + "/barge-in.jsonl"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        var exportOptions = AudioExport.Options(outDir: folder + "/out")
        options(&exportOptions)
        let result = try AudioExport.run(path, options: exportOptions)
        return (folder, result, try AudioExportTests.frames(lines.joined(separator: "\n")))
    }

    static func itemAudio(_ frames: [AudioExportTests.Frame]) -> [UInt8] {
        frames.filter { $0.type == "response.audio.delta" && $0.event["item_id"] as? String == "item_A301" }
            .flatMap { [UInt8](Data(base64Encoded: $0.event["delta"] as? String ?? "") ?? Data()) }
    }

    @Test func theServersTruncatedCutsWhenTheClientSentNoTruncate() throws {
        let (folder, result, frames) = try Self.export(edit: { lines in
            lines.filter { !$0.contains(#""type":"conversation.item.truncate""#) }
                .map { $0.replacingOccurrences(of: #""audio_end_ms":320}"#, with: #""audio_end_ms":200}"#) }
        })
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let heard = try AudioExportTests.wav("\(folder)/out/barge-in.output.item_A301.heard.wav")
        #expect(heard.data == Array(Self.itemAudio(frames).prefix(200 * 48)))
        #expect(result.warnings == [])
    }

    /// WebRTC-style: the server clears the playing buffer 138 ms after it started.
    @Test func aClearedOutputBufferCutsAtTheElapsedPlayback() throws {
        let (folder, _, frames) = try Self.export(edit: { lines in
            var out: [String] = []
            for line in lines {
                if line.contains(#""seq":22,"#) {  // the first audio delta, at 963,000 µs
                    out.append(
                        #"{"seq":1022,"t_us":963000,"conn":"c0a1","dir":"s2c","op":"text","event":{"type":"output_audio_buffer.started","event_id":"e_s","response_id":"resp_B001"}}"#
                    )
                }
                if line.contains(#""seq":44,"#) {  // the client's truncate: the server clears instead
                    out.append(
                        #"{"seq":1044,"t_us":1101000,"conn":"c0a1","dir":"s2c","op":"text","event":{"type":"output_audio_buffer.cleared","event_id":"e_c","response_id":"resp_B001"}}"#
                    )
                }
                if !line.contains("conversation.item.truncate") { out.append(line) }
            }
            return out
        })
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let heard = try AudioExportTests.wav("\(folder)/out/barge-in.output.item_A301.heard.wav")
        #expect(heard.data == Array(Self.itemAudio(frames).prefix(138 * 48)))
    }

    @Test func theMixSilencesWhatTheUserNeverHeard() throws {
        let (folder, _, frames) = try Self.export()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let mix = try AudioExportTests.wav("\(folder)/out/barge-in.mix.wav").data
        let first = try #require(
            frames.first { $0.type == "response.audio.delta" && $0.event["item_id"] as? String == "item_A301" })
        let audio = Self.itemAudio(frames)
        let start = first.tUs * 24 / 1000
        let cut = start + 320 * 24
        func right(_ sample: Int) -> [UInt8] { [mix[sample * 4 + 2], mix[sample * 4 + 3]] }
        // Heard: the right channel holds the item's samples up to the cut (its chunks arrived
        // faster than real time, so they play back to back from the first).
        #expect((start..<cut).flatMap(right) == Array(audio.prefix((cut - start) * 2)))
        // Unheard: silence from the cut to where the item's audio would have ended.
        let end = start + audio.count / 2
        #expect(end > cut)
        #expect((cut..<end).allSatisfy { right($0) == [0, 0] })
    }

    @Test func asHeardKeepsOnlyTheCutAndATurnSelectsItsInputAndAnswer() throws {
        let heard = try Self.export { $0.asHeard = true }
        defer { try? FileManager.default.removeItem(atPath: heard.folder) }
        let names = heard.result.files.map { ($0 as NSString).lastPathComponent }
        #expect(names.contains("barge-in.output.item_A301.heard.wav"))
        #expect(!names.contains("barge-in.output.item_A301.wav"))
        #expect(names.contains("barge-in.output.item_A302.wav"), "an answer heard to its end is kept whole")

        let turn = try Self.export { $0.turn = ("item_U302", "resp_B002") }
        defer { try? FileManager.default.removeItem(atPath: turn.folder) }
        #expect(
            turn.result.files.map { ($0 as NSString).lastPathComponent }.sorted() == [
                "barge-in.input.item_U302.wav", "barge-in.output.item_A302.wav",
            ])
    }

    /// Times and cuts from the wire may be anything: near `Int64.max`, negative, absurd cuts.
    ///
    /// The export and the metrics clamp instead of trapping (these values trapped before).
    @Test func extremeTimesAndCutsNeverTrap() throws {
        let (folder, result, _) = try Self.export(edit: { lines in
            lines.map { line in
                var line = line
                if line.contains(#""seq":25,"#) {  // the second audio delta
                    line = line.replacingOccurrences(of: "1023000", with: "9223372036854775000")
                }
                if line.contains(#""seq":26,"#) {
                    line = line.replacingOccurrences(of: #""t_us":"#, with: #""t_us":-"#)
                }
                return line.replacingOccurrences(
                    of: #""audio_end_ms":320"#, with: #""audio_end_ms":9223372036854775807"#)
            }
        })
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(result.warnings.contains { $0.contains("left out of the mix") })
        let model = try SessionModel.load(folder + "/barge-in.jsonl").model
        #expect(!model.metricSamples().isEmpty)
    }
}
