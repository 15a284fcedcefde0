import Foundation
import RealtimeSession
public import TimelineModel

/// A WAV file's format chunk and its sample data (the chunks `rtscope audio` writes; others are skipped).
struct WAVData: Equatable {
    /// The `fmt ` chunk's body (encoding, channels, rate, …).
    var format: [UInt8]
    var data: [UInt8]

    /// Parses a RIFF/WAVE file's `fmt ` and `data` chunks; nil when it is not one.
    init?(_ bytes: [UInt8]) {
        guard bytes.count >= 12, Array(bytes[0..<4]) == Array("RIFF".utf8), Array(bytes[8..<12]) == Array("WAVE".utf8)
        else { return nil }
        var format: [UInt8]?
        var data: [UInt8]?
        var k = 12
        while k + 8 <= bytes.count {
            let id = String(decoding: bytes[k..<(k + 4)], as: UTF8.self)
            let size = Int(bytes[k + 4]) | Int(bytes[k + 5]) << 8 | Int(bytes[k + 6]) << 16 | Int(bytes[k + 7]) << 24
            let body = (k + 8)..<min(bytes.count, k + 8 + size)
            if id == "fmt " { format = Array(bytes[body]) }
            if id == "data" { data = Array(bytes[body]) }
            k += 8 + size + size % 2
        }
        guard let format, format.count >= 16, let data else { return nil }
        (self.format, self.data) = (format, data)
    }

    init(format: [UInt8], data: [UInt8]) { (self.format, self.data) = (format, data) }

    /// Bytes per second (the format's byte rate).
    var byteRate: Int { Int(format[8]) | Int(format[9]) << 8 | Int(format[10]) << 16 | Int(format[11]) << 24 }
    /// Bytes per sample frame (all channels).
    var blockAlign: Int { max(1, Int(format[12]) | Int(format[13]) << 8) }
    var seconds: Double { byteRate > 0 ? Double(data.count) / Double(byteRate) : 0 }

    /// The file: RIFF header, `fmt `, `data`.
    var bytes: [UInt8] {
        func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8((v >> ($0 * 8)) & 0xFF) } }
        let pad: [UInt8] = data.count % 2 == 1 ? [0] : []
        let riff = 4 + 8 + format.count + 8 + data.count + pad.count
        return Array("RIFF".utf8) + le32(riff) + Array("WAVEfmt ".utf8) + le32(format.count) + format
            + Array("data".utf8) + le32(data.count) + data + pad
    }
}

/// Makes the one WAV a `PlaybackRequest` plays, with `AudioExport` (the same code as `rtscope audio`).
enum PlaybackAudio {
    /// Exports `request` into `directory`; returns the path of the WAV to play and its length in seconds.
    ///
    /// A turn is its input then its answer as heard, joined when they share a format (else
    /// the answer alone); the mix is cut at the request's time.
    /// - Throws: `PlaybackError` when there is no audio there, or the export fails.
    static func make(_ request: PlaybackRequest, in directory: String) throws -> (path: String, seconds: Double) {
        var options = AudioExport.Options(outDir: directory)
        options.asHeard = true
        switch request.part {
        case .turn(_, let item, let response): options.turn = (item, response)
        case .response(let id): options.response = id
        case .mix: options.mixOnly = true
        }
        let result = try AudioExport.run(request.recording, options: options)
        var parts: [WAVData] = []
        for path in result.files {
            guard let bytes = FileManager.default.contents(atPath: path), let wav = WAVData([UInt8](bytes)) else {
                continue
            }
            parts.append(wav)
            try? FileManager.default.removeItem(atPath: path)
        }
        guard var wav = parts.first(where: { !$0.data.isEmpty }) else {
            throw PlaybackError("\(request.label) has no audio")
        }
        if case .mix(let fromUs) = request.part {
            let skip = Int(min(Double(fromUs) / 1e6 * Double(wav.byteRate), Double(wav.data.count)))
            wav.data.removeFirst(skip - skip % wav.blockAlign)
            guard !wav.data.isEmpty else { throw PlaybackError("the mix ends before this point") }
        } else {
            // Input first (AudioExport writes it at the commit, before the answer's files).
            let same = parts.filter { $0.format == wav.format }
            wav.data = same.flatMap(\.data)
        }
        let path = (directory as NSString).appendingPathComponent("play.wav")
        guard FileManager.default.createFile(atPath: path, contents: Data(wav.bytes)) else {
            throw PlaybackError("cannot write \(path)")
        }
        return (path, wav.seconds)
    }
}

/// Why playback could not start: one sentence.
struct PlaybackError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Playback without a terminal (`view --headless --keys …a`): nothing can be heard, so each
/// requested WAV is written (synchronously) and the footer says where, as with no player.
public enum HeadlessPlayback {
    /// Carries out the model's pending effects: a play request writes its WAV into a new temporary
    /// folder (kept) and reports the path; a stop does nothing (nothing plays).
    public static func run(_ model: inout TimelineModel) {
        for effect in model.takeEffects() {
            guard case .play(let request) = effect else { continue }
            guard let directory = PlaybackRunner.temporaryDirectory() else {
                model.playbackEnded("cannot write \(request.label): no temporary directory")
                continue
            }
            do {
                let (path, seconds) = try PlaybackAudio.make(request, in: directory)
                model.playbackEnded(
                    "no terminal to play \(request.label) (\(String(format: "%.1f", seconds)) s); wrote \(path)")
            } catch {
                PlaybackRunner.remove(directory)
                model.playbackEnded("cannot play \(request.label): \(error)")
            }
        }
    }
}
