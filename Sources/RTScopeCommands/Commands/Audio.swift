import ArgumentParser
import Foundation
import RealtimeRecording
import RealtimeSession

extension RTScope {
    /// `rtscope audio`: the session's audio as WAV files.
    struct Audio: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export a recording's audio as WAV: each item, what the user heard, and the session mix.",
            discussion: """
                Writes NAME.input.ITEM.wav (the user's audio between commits, named by the committed item), \
                NAME.output.ITEM.wav (the assistant's audio per item), NAME.output.ITEM.heard.wav (cut at \
                the client's truncate: what the user heard) and NAME.mix.wav (stereo, user left, \
                assistant right, each chunk at its recorded time). Items keep the session's format \
                (pcm16, G.711 μ-law or A-law); the mix is 16-bit 24 kHz. Bad audio (invalid base64, \
                odd pcm16 byte counts) is reported with its line and the rest is exported.
                """)

        @Argument(help: "A recording or a log `rtscope import` reads.")
        var file: String

        @Option(name: .shortAndLong, help: "Folder for the WAV files (created if missing).")
        var output: String = "audio"

        @Option(help: "Only this item's files.")
        var item: String?

        @Option(help: "Only this response's output files.")
        var response: String?

        @Flag(help: "Only the session mix.")
        var mix = false

        func run() throws {
            var options = AudioExport.Options(outDir: output)
            options.item = item
            options.response = response
            options.mixOnly = mix
            let result: AudioExport.Result
            do {
                result = try AudioExport.run(file, options: options)
            } catch let error as RecordingError {
                Diagnostics.print("rtscope: \(error)")
                throw ExitCodes.code(for: error)
            } catch {
                Diagnostics.print("rtscope: \(error)")
                throw ExitCodes.cannotWrite
            }
            for warning in result.warnings { Diagnostics.print("\(file): warning: \(warning)") }
            for path in result.files { Diagnostics.print("wrote \(path)") }
            if result.files.isEmpty { Diagnostics.print("rtscope audio: \(file) holds no audio.") }
        }
    }
}
