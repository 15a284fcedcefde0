public import TimelineModel

/// The interactive loop of `rtscope view A --diff B`: keys in, model updated, screen painted.
///
/// Both recordings are read to the end before it starts (the alignment needs them whole), so unlike `TimelineApp`
/// there is nothing to catch up with or follow: the loop only waits for keys (polling every 33 ms, as curses does
/// not block here).
public enum DiffViewApp {
    /// - Parameter keysFromTTY: read keys from `/dev/tty` (standard input carried a recording).
    /// - Throws: `TerminalError` when the terminal cannot be used (nothing was drawn then).
    @MainActor
    public static func run(_ model: inout DiffTimelineModel, color: Bool, keysFromTTY: Bool = false) async throws {
        let terminal = CursesTerminal(color: color, keysFromTTY: keysFromTTY)
        try terminal.start()
        defer { terminal.end() }
        let size = terminal.size
        model.resize(width: size.width, height: size.height)
        terminal.paint(DiffTimelineView.render(model))
        while !model.state.quit {
            let keys = terminal.readKeys()
            if keys.isEmpty {
                try? await Task.sleep(for: .milliseconds(33))
                continue
            }
            for key in keys where !model.state.quit {
                if key == .resize {
                    let size = terminal.size
                    model.resize(width: size.width, height: size.height)
                } else {
                    model.press(key)
                }
            }
            terminal.paint(DiffTimelineView.render(model))
        }
    }
}
