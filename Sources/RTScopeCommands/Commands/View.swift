import ArgumentParser
import Foundation
import RealtimeProtocol
import RealtimeRecording
import TerminalUI
import TimelineModel

extension RTScope {
    /// `rtscope view`: the terminal timeline.
    struct View: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Inspect a recording in a terminal timeline (ncursesw), with the validator's findings.",
            discussion: """
                Keys: j/k move, e/E next/previous error, w/W warnings, o/O same response, r related event, \
                z fold deltas, c conversation, s stats (latency, turns, cost), Space replay (+ and - speed, . and , step), / search, n/N next/previous hit, \
                f filter (F clears), : go to a JSONL line, Tab detail pane, l audio level strip, \
                a play the turn's audio as heard, A play the session mix from here (Esc stops; the player is \
                RTSCOPE_PLAYER, else paplay, aplay, play, ffplay or afplay), ? help, q quit. \
                With --headless (or without a terminal) the keys given by --keys are applied and the \
                final screen is printed as text, e.g. --keys "jjj/error<enter>". \
                FILE may be - (standard input) or a pipe: it is read to the end into a private temporary copy first \
                (with -, the keys come from the terminal).
                With --diff B, A and B are shown side by side, rows aligned as `rtscope diff` aligns them and marked \
                (~ changed, < only in A, > only in B) with the difference class: j/k move, n/N next/previous difference, \
                Enter both events' details, q quit.
                """)

        @Argument(help: "A recording, or any log `rtscope import` reads; - for standard input.")
        var file: String

        @Option(
            name: .customLong("diff"),
            help: "A second recording to show beside FILE, aligned and with the differences marked (as `rtscope diff`)."
        )
        var diffWith: String?

        @Flag(help: "Print the final screen as text instead of opening the terminal UI.")
        var headless = false

        @Flag(help: "Follow a recording that is still being written (like tail -f); new events appear as they arrive.")
        var follow = false

        @Option(help: "Screen size for --headless, as WIDTHxHEIGHT.")
        var size: String = "100x30"

        @Option(
            help:
                "Keys to apply before printing (--headless): letters, and <enter> <tab> <esc> <up> <down> <pgup> <pgdn> <home> <end> <bs>."
        )
        var keys: String = ""

        func validate() throws {
            guard Self.parse(size) != nil else {
                throw ValidationError("--size must look like 100x30 (at least 40x10, at most 1000x1000).")
            }
            if follow, diffWith != nil {
                throw ValidationError("--follow and --diff cannot be combined: the diff needs both recordings whole.")
            }
            if file == "-", diffWith == "-" {
                throw ValidationError("Only one of FILE and --diff can be standard input (-).")
            }
            if follow, Self.isStream(file) {
                throw ValidationError(
                    "--follow needs a file that is being written; \(file) is a stream, read it without --follow.")
            }
        }

        static func parse(_ size: String) -> (Int, Int)? {
            let parts = size.lowercased().split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
            guard parts.count == 2, let width = parts[0], let height = parts[1], (40...1000).contains(width),
                (10...1000).contains(height)
            else { return nil }
            return (width, height)
        }

        /// Whether `file` is standard input, a pipe or another stream (not a regular file or a directory).
        static func isStream(_ file: String) -> Bool {
            var info = stat()
            guard file != "-" else { return true }
            return stat(file, &info) == 0 && info.st_mode & S_IFMT != S_IFREG && info.st_mode & S_IFMT != S_IFDIR
        }

        func run() async throws {
            let stdinRecording = file == "-" || diffWith == "-"
            if stdinRecording, isatty(0) == 1 {
                Diagnostics.print("rtscope: standard input is a terminal; pipe a recording in or name a file.")
                throw ExitCode.validationFailure
            }
            // With `-`, standard input carries the recording: the keys come from the terminal (/dev/tty), as in less.
            let keysFromTTY = stdinRecording && Self.hasControllingTerminal()
            let interactive = !headless && isatty(1) == 1 && (stdinRecording ? keysFromTTY : isatty(0) == 1)
            do {
                if let diffWith {
                    try await DiffViewFrontend.run(
                        a: file, b: diffWith, size: Self.parse(size) ?? (100, 30), keys: keys,
                        interactive: interactive, keysFromTTY: keysFromTTY)
                    return
                }
                let source = try TimelineSource.load(file, follow: follow)
                let (width, height) = Self.parse(size) ?? (100, 30)
                if !interactive { try source.readToEnd() }  // what is there now, for a followed file
                var model = TimelineModel(source: source, width: width, height: height)
                if interactive {
                    try await TimelineApp.run(
                        &model, color: Terminal.colorAllowed(), follow: follow, keysFromTTY: keysFromTTY)
                    return
                }
                for key in Key.script(keys) where !model.state.quit { model.press(key) }
                while model.advanceLevels() {}  // the level strip (l) complete before the screen is printed
                HeadlessPlayback.run(&model)  // a/A: the WAV is written and the footer says where
                let out = Output()
                out.line(TimelineView.render(model).text)
                try out.finish()
            } catch let error as RecordingError {
                Diagnostics.print("rtscope: \(error.description)")
                throw ExitCodes.code(for: error)
            } catch let error as TerminalError {
                Diagnostics.print("rtscope: \(error.description)")
                throw ExitCodes.usage
            }
        }

        /// Whether `/dev/tty` opens (there is a terminal to read keys from even though standard input is a pipe).
        static func hasControllingTerminal() -> Bool {
            let fd = open("/dev/tty", O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return false }
            close(fd)
            return true
        }
    }
}
