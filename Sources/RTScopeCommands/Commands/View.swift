import ArgumentParser
import Foundation
import RealtimeRecording
import TerminalUI
import TimelineModel

extension RTScope {
    /// `rtscope view`: the terminal timeline.
    struct View: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Inspect a recording in a terminal timeline (ncursesw), with the validator's findings.",
            discussion: """
                Keys: j/k move, e/E next/previous error, w/W warnings, o/O same response, z fold deltas, \
                / search, n/N next/previous hit, f filter, Tab detail pane, ? help, q quit. \
                With --headless (or without a terminal) the keys given by --keys are applied and the \
                final screen is printed as text, e.g. --keys "jjj/error<enter>".
                """)

        @Argument(help: "A recording, or any log `rtscope import` reads.")
        var file: String

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
                throw ValidationError("--size must look like 100x30 (at least 40x10).")
            }
        }

        static func parse(_ size: String) -> (Int, Int)? {
            let parts = size.lowercased().split(separator: "x").compactMap { Int($0) }
            guard parts.count == 2, parts[0] >= 40, parts[1] >= 10 else { return nil }
            return (parts[0], parts[1])
        }

        func run() async throws {
            let source: TimelineSource
            do {
                source = try TimelineSource.load(file, follow: follow)
            } catch let error as RecordingError {
                Diagnostics.print("rtscope: \(error)")
                throw ExitCodes.code(for: error)
            }
            let (width, height) = Self.parse(size) ?? (100, 30)
            let interactive = !headless && isatty(0) == 1 && isatty(1) == 1
            if !interactive {
                while !source.caughtUp, (try? source.refresh()) != nil {}  // read it all first
            }
            var model = TimelineModel(source: source, width: width, height: height)
            if !interactive {
                for key in Key.script(keys) where !model.state.quit { model.press(key) }
                let out = Output()
                out.line(TimelineView.render(model).text)
                try out.finish()
                return
            }
            await TimelineApp.run(&model, color: Terminal.colorAllowed(), follow: follow)
        }
    }
}
