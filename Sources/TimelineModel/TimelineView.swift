import Foundation
import RealtimeProtocol
import RealtimeRecording

/// A rectangle of the screen that one widget draws into.
public struct Area: Sendable, Hashable {
    public let x: Int
    public let y: Int
    public let width: Int
    public let height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        (self.x, self.y, self.width, self.height) = (x, y, width, height)
    }

    /// The row below the area.
    var bottom: Int { y + height }
}

/// Draws a whole screen from a `TimelineFrame`: header, ruler, event list, the panes below it, footer, and the help
/// overlay.
///
/// Every widget is a pure `render(frame, area, into: buffer)`: it reads only the frame (values; no store, no index),
/// so drawing never reads the recording and drawing the same frame twice gives the same cells.
public enum TimelineView {
    /// From this width on, the conversation pane sits beside the detail pane.
    public static let sideBySideWidth = 110

    /// The screen for the model's current frame (prepared by the model after every change).
    public static func render(_ model: TimelineModel) -> ScreenBuffer { render(model.frame) }

    public static func render(_ frame: TimelineFrame) -> ScreenBuffer {
        let state = frame.state
        var screen = ScreenBuffer(width: state.width, height: state.height)
        let full = screen.width
        header(frame, Area(x: 0, y: 0, width: full, height: 1), into: &screen)
        ruler(frame, Area(x: 0, y: 1, width: full, height: 1), into: &screen)
        var listTop = TimelineModel.listTop
        if let levels = frame.levels {  // two rows under the ruler; the panes below give them up
            LevelStripView.render(levels, Area(x: 0, y: listTop, width: full, height: 2), into: &screen)
            listTop += 2
        }
        list(frame, Area(x: 0, y: listTop, width: full, height: frame.listHeight), into: &screen)
        let top = listTop + frame.listHeight
        let height = state.height - 1 - top
        func area(_ x0: Int, _ width: Int) -> Area { Area(x: x0, y: top, width: width, height: height) }
        switch PaneLayout(state) {
        case .stats(let split):
            stats(frame, area(0, (split ?? state.width + 1) - 1), into: &screen)
            if let split { conversation(frame, area(split, state.width - split), into: &screen) }
        case .detailAndConversation(let split):
            detail(frame, area(0, split - 1), into: &screen)
            conversation(frame, area(split, state.width - split), into: &screen)
        case .conversation:
            conversation(frame, area(0, state.width), into: &screen)
        case .detail:
            detail(frame, area(0, state.width), into: &screen)
        }
        footer(frame, Area(x: 0, y: state.height - 1, width: full, height: 1), into: &screen)
        if state.showHelp { help(Area(x: 0, y: 0, width: screen.width, height: screen.height), into: &screen) }
        return screen
    }

    /// The title line: file, progress, dialect, connection, duration, counts, position and modes.
    ///
    /// Parts are abbreviated, then dropped, to fit the width (see `Fitting`); the file name is cut last.
    static func header(_ frame: TimelineFrame, _ area: Area, into screen: inout ScreenBuffer) {
        let facts = frame.header
        let state = frame.state
        let count = facts.events
        let sent = facts.sent
        let (errors, warnings) = (facts.errors, facts.warnings)
        let percent = "\(Int(facts.progress * 100))%"
        let row = "\(min(state.cursor + 1, frame.rowCount))/\(frame.rowCount)"
        let name = facts.name == "-" ? "stdin" : (facts.name as NSString).lastPathComponent
        let events = [
            "\(Plural.count(count, "event")) (→\(sent) ←\(count - sent))", Plural.count(count, "event"), "\(count) ev",
        ]
        let findings = [
            "\(errors) errors \(warnings) warnings", "\(errors) err \(warnings) warn", "\(errors)✖ \(warnings)▲",
        ]
        let parts: [[String]] = [
            [name],
            facts.reading ? ["reading \(percent)", percent] : [],
            [facts.dialect ?? "dialect ?", ""],
            facts.conn.map { ["conn \($0)", ""] } ?? [],
            facts.hasTiming ? [String(format: "%.1f s", facts.seconds)] : ["no timing in source", "no timing"],
            events, findings, ["row \(row)", row],
            state.fold ? ["folded", ""] : [],
            state.playing ? ["▶ \(state.speedLabel)"] : [],
            state.filter.map { ["filter “\($0)”", "f “\(Fitting.cut($0, to: 12))”"] } ?? [],
        ]
        // Shrinks conn, events, findings, timing, folded, dialect, filter, row, then events and findings to their
        // shortest, then "reading N%" to "N%"; the name (part 0) is cut last.
        let text = Fitting.line(
            parts, shrink: [3, 5, 6, 4, 8, 2, 10, 7, 5, 6, 1], ellipsize: 0, width: area.width - 1)
        screen.fill(y: area.y, style: .header)
        screen.put(" " + text, x: area.x, y: area.y, style: .header)
    }

    static func footer(_ frame: TimelineFrame, _ area: Area, into screen: inout ScreenBuffer) {
        let state = frame.state
        screen.fill(y: area.y, style: .reverse)
        let text: String
        if let prompt = state.prompt {
            let label =
                switch prompt {
                case .search: "/"
                case .filter: "filter (type glob, client/server, id): "
                case .line: "go to line: "
                }
            // The end of a long input stays in view (where the typing is).
            let room = max(2, area.width - 2 - DisplayWidth.of(label))
            let input = String(Fitting.cut(String(state.input.reversed()), to: room).reversed())
            text = label + input + "▏"
        } else if let message = state.message ?? state.playback {
            text = message
        } else {
            text = Fitting.line(hints, shrink: hintShrink, width: area.width - 1)
        }
        screen.put(" " + text, x: area.x, y: area.y, style: .reverse)
    }

    /// The footer's key hints, each abbreviated and then dropped (least needed first) to fit; `? help` stays.
    static let hints: [[String]] = [
        ["j/k move", "j/k", ""], ["e/E errors", "e/E err", ""], ["w/W warnings", "w/W warn", ""], ["r related", ""],
        ["Space replay", "Spc play", ""], ["z fold", ""], ["/ search", "/ find", ""], ["f filter", "f filt", ""],
        ["Tab detail", "Tab pane", ""], ["? help"], ["q quit", ""],
    ]
    static let hintShrink = [1, 2, 4, 6, 7, 8, 0, 5, 7, 8, 6, 4, 2, 1, 3, 0, 10]

    /// The key bindings, centred over `area` (the whole screen).
    static func help(_ area: Area, into screen: inout ScreenBuffer) {
        let entries = Keymap.bindings.map { b in
            let keys = b.keys.map(\.label).joined(separator: " ")
            return keys + String(repeating: " ", count: max(1, 12 - DisplayWidth.of(keys))) + b.help
        }
        // One column when it fits, else two side by side (80×24 shows every binding).
        let rowsAvailable = max(1, area.height - 4)
        let columns = entries.count <= rowsAvailable ? 1 : 2
        let perColumn = (entries.count + columns - 1) / columns
        let columnWidth =
            columns == 1
            ? min(area.width - 6, (entries.map(DisplayWidth.of).max() ?? 20) + 1) : (area.width - 6) / 2
        let width = columnWidth * columns + 4
        let height = min(area.height, perColumn + 2)
        let x0 = max(0, (area.width - width) / 2)
        let y0 = max(0, (area.height - height) / 2)
        for y in y0..<(y0 + height) { screen.fill(y: y, from: x0, to: x0 + width, style: .header) }
        screen.put(" keys (? or Esc to close) ", x: x0 + 2, y: y0, style: .header)
        for (k, line) in entries.enumerated() {
            let column = k / perColumn
            screen.put(
                Fitting.words(line, to: columnWidth - 1), x: x0 + 2 + column * columnWidth, y: y0 + 1 + k % perColumn,
                style: .header, maxWidth: columnWidth - 1)
        }
    }

    static func style(_ family: EventFamily?) -> CellStyle {
        switch family {
        case .session?: .session
        case .conversation?: .conversation
        case .inputAudio?, .outputAudio?: .audio
        case .response?: .response
        case .delta?, .transcription?: .delta
        case .error?: .error
        case .rateLimits?, .mcp?: .info
        case nil: .plain
        }
    }
}
