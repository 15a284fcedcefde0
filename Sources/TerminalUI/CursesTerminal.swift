import CNcursesw
import Foundation
public import TimelineModel

/// Paints `ScreenBuffer`s with ncursesw and turns key presses into `Key`s.
///
/// Every curses call happens on the main actor (curses is not thread-safe); `getch` never blocks
/// (`nodelay`), so the loop polls at about 30 frames a second. The terminal is restored by
/// `end()`, and by the SIGINT/SIGTERM handlers installed in `start()`.
@MainActor
public final class CursesTerminal {
    private var previous: ScreenBuffer?
    private let color: Bool
    private var started = false

    private let keysFromTTY: Bool

    /// - Parameters:
    ///   - color: use colours (pass `false` for NO_COLOR or monochrome terminals).
    ///   - keysFromTTY: read keys from `/dev/tty`, not standard input (which then carries the recording).
    public init(color: Bool, keysFromTTY: Bool = false) {
        self.color = color
        self.keysFromTTY = keysFromTTY
    }

    /// Enters curses mode.
    /// - Throws: `TerminalError.unknownTerminal` when curses does not know `TERM` (nothing was drawn then).
    public func start() throws {
        setlocale(LC_ALL, "")
        guard cn_newterm(keysFromTTY ? 1 : 0) != nil else {
            throw TerminalError.unknownTerminal(ProcessInfo.processInfo.environment["TERM"] ?? "")
        }
        started = true
        cbreak()
        noecho()
        keypad(cn_stdscr(), true)
        nodelay(cn_stdscr(), true)
        curs_set(0)
        if color, has_colors() {
            start_color()
            use_default_colors()
            for (pair, fg) in Self.palette.enumerated() { init_pair(Int16(pair + 1), fg, -1) }
        }
        signal(SIGINT) { _ in
            stopPlayerFromSignal()
            endwin()
            exit(130)
        }
        signal(SIGTERM) { _ in
            stopPlayerFromSignal()
            endwin()
            exit(143)
        }
    }

    /// Leaves curses mode; safe to call twice.
    public func end() {
        guard started else { return }
        started = false
        endwin()
    }

    /// The terminal size in columns and rows.
    public var size: (width: Int, height: Int) { (Int(cn_cols()), Int(cn_lines())) }

    /// Paints `screen`, redrawing only the rows that changed since the last paint.
    public func paint(_ screen: ScreenBuffer) {
        let full = previous.map { $0.width != screen.width || $0.height != screen.height } ?? true
        if full { erase() }
        for y in 0..<screen.height {
            if !full, let previous, (0..<screen.width).allSatisfy({ previous[$0, y] == screen[$0, y] }) { continue }
            var x = 0
            while x < screen.width {
                let cell = screen[x, y]
                if !cell.text.isEmpty {
                    let attributes = attribute(cell.style)
                    attron(attributes)
                    mvaddstr(Int32(y), Int32(x), cell.text)
                    attroff(attributes)
                }
                x += 1
            }
        }
        refresh()
        previous = screen
    }

    /// Keys pressed since the last call.
    public func readKeys() -> [Key] {
        var keys: [Key] = []
        var wch: wint_t = 0
        while true {
            let result = wget_wch(cn_stdscr(), &wch)
            if result == ERR { break }
            if result == KEY_CODE_YES {
                if let key = Self.special[Int32(wch)] { keys.append(key) }
                if Int32(wch) == cn_key_resize() { keys.append(.resize) }
            } else if let scalar = Unicode.Scalar(UInt32(wch)) {
                switch scalar.value {
                case 10, 13: keys.append(.enter)
                case 9: keys.append(.tab)
                case 27: keys.append(.escape)
                case 8, 127: keys.append(.backspace)
                default: if scalar.value >= 0x20 { keys.append(.char(Character(scalar))) }
                }
            }
        }
        return keys
    }

    private func attribute(_ style: CellStyle) -> Int32 {
        switch style {
        case .plain: return 0
        case .dim, .punctuation: return cn_a_dim()
        case .bold: return cn_a_bold()
        case .reverse, .header: return cn_a_reverse()
        default:
            guard color, let index = Self.colored.firstIndex(of: style) else {
                return style == .error ? cn_a_bold() : 0
            }
            return cn_color_pair(Int32(index + 1)) | (style == .error ? cn_a_bold() : 0)
        }
    }

    private static let colored: [CellStyle] = [
        .session, .conversation, .audio, .response, .delta, .error, .warning, .info, .key, .string, .number,
    ]
    private static let palette: [Int16] = [
        Int16(COLOR_MAGENTA), Int16(COLOR_CYAN), Int16(COLOR_YELLOW), Int16(COLOR_GREEN), Int16(COLOR_GREEN),
        Int16(COLOR_RED), Int16(COLOR_YELLOW), Int16(COLOR_BLUE), Int16(COLOR_CYAN), Int16(COLOR_GREEN),
        Int16(COLOR_YELLOW),
    ]
    private static let special: [Int32: Key] = [
        KEY_UP: .up, KEY_DOWN: .down, KEY_LEFT: .left, KEY_RIGHT: .right, KEY_NPAGE: .pageDown, KEY_PPAGE: .pageUp,
        KEY_HOME: .home, KEY_END: .end, KEY_ENTER: .enter, KEY_BACKSPACE: .backspace, KEY_BTAB: .backTab,
    ]
}

/// Why the terminal UI cannot start.
public enum TerminalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// curses has no description of this `TERM` (or it is unset).
    case unknownTerminal(String)

    public var description: String {
        switch self {
        case .unknownTerminal(let term):
            let what = term.isEmpty ? "TERM is not set" : "the terminal type '\(term)' (TERM) is unknown to ncurses"
            return
                "\(what); set TERM to one it knows (such as xterm-256color) or use --headless to print the screen as text."
        }
    }
}

/// The interactive loop: keys in, model updated, screen painted.
public enum TimelineApp {
    @MainActor
    /// - Parameters:
    ///   - follow: poll the recording for appended lines (every 250 ms).
    ///   - keysFromTTY: read keys from `/dev/tty` (standard input carried the recording).
    /// - Throws: `TerminalError` when the terminal cannot be used; the source's `RecordingError` when the file fails
    ///   while it is being read (the terminal is restored first).
    public static func run(_ model: inout TimelineModel, color: Bool, follow: Bool = false, keysFromTTY: Bool = false)
        async throws
    {
        let terminal = CursesTerminal(color: color, keysFromTTY: keysFromTTY)
        try terminal.start()
        defer { terminal.end() }
        let player = PlaybackRunner()
        defer { player.stop() }  // the player never outlives the timeline
        let size = terminal.size
        model.resize(width: size.width, height: size.height)
        terminal.paint(TimelineView.render(model))
        let clock = ContinuousClock()
        var last = clock.now
        var lastPoll = clock.now
        while !model.state.quit {
            let keys = terminal.readKeys()
            let now = clock.now
            let elapsed = now - last
            last = now
            // Catch up with a large file in chunks for up to 100 ms per frame (keys stay responsive),
            // then poll a followed one every 250 ms.
            if !model.source.caughtUp || (follow && now - lastPoll >= .milliseconds(250)) {
                lastPoll = now
                var changed = false
                repeat {
                    changed = try model.refresh(preparing: false) || changed
                } while !model.source.caughtUp
                    && clock.now - now < .milliseconds(100)
                model.prepareIfStale()  // once per frame, not per chunk
                if changed { terminal.paint(TimelineView.render(model)) }
            }
            if model.state.playing {
                let before = model.state
                model.tick(
                    elapsedUs: elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds
                        / 1_000_000_000_000)
                if model.state != before { terminal.paint(TimelineView.render(model)) }
            }
            if !keys.isEmpty {
                for key in keys {
                    if key == .resize {
                        let size = terminal.size
                        model.resize(width: size.width, height: size.height)
                    } else {
                        model.press(key)
                    }
                }
                terminal.paint(TimelineView.render(model))
            }
            // Audio: effects of the keys (a/A/Esc), the player's progress, the level strip's next step.
            for effect in model.takeEffects() { player.perform(effect, &model) }
            if player.poll(&model) || model.advanceLevels() { terminal.paint(TimelineView.render(model)) }
            if model.source.caughtUp { try? await Task.sleep(for: .milliseconds(33)) }
        }
    }
}
