import RealtimeRecording
import TerminalUI
import TimelineModel

/// Carries out `rtscope view A --diff B`: both recordings through `view`'s loading path (imports, standard input,
/// the same errors and exit codes), read to the end, aligned, then the terminal UI or, headless, the screen as text
/// after the `--keys` script.
enum DiffViewFrontend {
    /// - Throws: `RecordingError` naming the recording that cannot be opened, read or imported (A first);
    ///   `TerminalError` when the terminal cannot be used; exit 73 (`Output.finish`) when the screen cannot be written.
    static func run(a: String, b: String, size: (Int, Int), keys: String, interactive: Bool, keysFromTTY: Bool)
        async throws
    {
        let sourceA = try TimelineSource.load(a)
        try sourceA.readToEnd()
        let sourceB = try TimelineSource.load(b)
        try sourceB.readToEnd()
        for source in [sourceA, sourceB] where source.index.entries.isEmpty {
            Diagnostics.print(
                "rtscope view: \(source.name) holds no events, so everything on the other side shows as a difference."
            )
        }
        var model = DiffTimelineModel(timeline: DiffTimeline(a: sourceA, b: sourceB), width: size.0, height: size.1)
        if interactive {
            try await DiffViewApp.run(&model, color: Terminal.colorAllowed(), keysFromTTY: keysFromTTY)
            return
        }
        for key in Key.script(keys) where !model.state.quit { model.press(key) }
        let out = Output()
        out.line(DiffTimelineView.render(model).text)
        try out.finish()
    }
}
