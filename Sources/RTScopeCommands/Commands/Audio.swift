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

        @Option(help: "Only this voice turn (1-based, in the order the user spoke): its input and its answer.")
        var turn: Int?

        @Flag(help: "Only the session mix.")
        var mix = false

        @Flag(help: "Only what the user heard: a truncated answer's cut replaces its full output.")
        var asHeard = false

        func run() throws {
            var options = AudioExport.Options(outDir: output)
            options.item = item
            options.response = response
            options.mixOnly = mix
            options.asHeard = asHeard
            options.turnNumber = turn
            let result: AudioExport.Result
            do {
                if let turn, turn < 1 { throw Self.noTurn(turn, in: file, count: nil) }
                result = try AudioExport.run(file, options: options)
                if let turn, turn > result.turns { throw Self.noTurn(turn, in: file, count: result.turns) }
            } catch let error as ExitCode {
                throw error
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

        /// The usage error for a turn the file does not have (`count`: how many it has, when read).
        ///
        /// The export finds the turn in its one pass over the file (`AudioExport.Options.turnNumber`), so the count is
        /// known only afterwards; nothing was written for a turn that is not there.
        static func noTurn(_ n: Int, in file: String, count: Int?) -> ExitCode {
            let has = count.map { " \(file) has \($0) voice turns (1…\($0))." } ?? " turns count from 1."
            Diagnostics.print("rtscope audio: --turn \(n):\(has)")
            return ExitCodes.usage
        }
    }
}
