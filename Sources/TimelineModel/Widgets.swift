import Foundation
import RealtimeProtocol
import RealtimeRecording
import RealtimeValidation

/// Draws the whole screen for a model: header, event list, detail pane, footer, and the help overlay.
public enum TimelineView {
    /// From this width on, the conversation pane sits beside the detail pane.
    public static let sideBySideWidth = 110

    public static func render(_ model: TimelineModel) -> ScreenBuffer {
        let state = model.state
        var screen = ScreenBuffer(width: state.width, height: state.height)
        header(model, &screen)
        ruler(model, &screen)
        list(model, &screen)
        if state.showStats {
            let split = state.width >= sideBySideWidth ? state.width * 3 / 5 : state.width + 1
            stats(model, &screen, x0: 0, width: split - 1)
            if split < state.width { conversation(model, &screen, x0: split, width: state.width - split) }
        } else if state.width >= sideBySideWidth {
            let split = state.width * 3 / 5
            detail(model, &screen, x0: 0, width: split - 1)
            conversation(model, &screen, x0: split, width: state.width - split)
        } else if state.showConversation {
            conversation(model, &screen, x0: 0, width: state.width)
        } else {
            detail(model, &screen, x0: 0, width: state.width)
        }
        footer(model, &screen)
        if state.showHelp { help(&screen) }
        return screen
    }

    /// The title line: file, progress, dialect, connection, duration, counts, position and modes.
    ///
    /// Parts are abbreviated, then dropped, to fit the width (see `Fitting`); the file name is cut last.
    static func header(_ model: TimelineModel, _ screen: inout ScreenBuffer) {
        let source = model.source
        let count = source.index.entries.count
        let sent = source.index.entries.filter { $0.direction == .clientToServer }.count
        let errors = source.findings.filter { $0.severity == .error }.count
        let warnings = source.findings.filter { $0.severity == .warning }.count
        let percent = "\(Int(source.progress * 100))%"
        let seconds = (source.timeRange.map { Double($0.upperBound) - Double($0.lowerBound) } ?? 0) / 1e6
        let row = "\(min(model.state.cursor + 1, model.rows.count))/\(model.rows.count)"
        let name = source.name == "-" ? "stdin" : (source.name as NSString).lastPathComponent
        let events = [
            "\(Plural.count(count, "event")) (→\(sent) ←\(count - sent))", Plural.count(count, "event"), "\(count) ev",
        ]
        let findings = [
            "\(errors) errors \(warnings) warnings", "\(errors) err \(warnings) warn", "\(errors)✖ \(warnings)▲",
        ]
        let parts: [[String]] = [
            [name],
            !source.caughtUp && !source.following ? ["reading \(percent)", percent] : [],
            [source.index.header?.dialect?.rawValue ?? "dialect ?", ""],
            source.index.header?.conn.map { ["conn \($0)", ""] } ?? [],
            source.hasTiming ? [String(format: "%.1f s", seconds)] : ["no timing in source", "no timing"],
            events, findings, ["row \(row)", row],
            model.state.fold ? ["folded", ""] : [],
            model.state.playing ? ["▶ \(model.state.speedLabel)"] : [],
            model.state.filter.map { ["filter “\($0)”", "f “\(Fitting.cut($0, to: 12))”"] } ?? [],
        ]
        // Shrinks conn, events, findings, timing, folded, dialect, filter, row, then events and findings to their
        // shortest, then "reading N%" to "N%"; the name (part 0) is cut last.
        let text = Fitting.line(
            parts, shrink: [3, 5, 6, 4, 8, 2, 10, 7, 5, 6, 1], ellipsize: 0, width: screen.width - 1)
        screen.fill(y: 0, style: .header)
        screen.put(" " + text, x: 0, y: 0, style: .header)
    }

    static func list(_ model: TimelineModel, _ screen: inout ScreenBuffer) {
        let state = model.state
        let source = model.source
        for offset in 0..<model.listHeight {
            let row = state.top + offset
            guard row < model.rows.count else { break }
            let y = TimelineModel.listTop + offset
            let item = model.rows[row]
            let selected = row == state.cursor
            if let issue = item.issue {
                if selected { screen.fill(y: y, style: .reverse) }
                let marker = issue.severity == .error ? "✖" : "▲"
                let text =
                    String(repeating: " ", count: 21) + marker + "  line \(issue.line) unreadable: \(issue.message)"
                screen.put(text, x: 0, y: y, style: selected ? .reverse : issue.severity == .error ? .error : .warning)
                continue
            }
            let entry = source.index.entries[item.entry]
            let previousEntry = (max(0, row - 8)..<row).reversed().map { model.rows[$0].entry }.first { $0 >= 0 }
            let previous = previousEntry.map { source.index.entries[$0].tUs } ?? entry.tUs
            let base: CellStyle = selected ? .reverse : .plain
            if selected { screen.fill(y: y, style: .reverse) }
            let time =
                source.hasTiming
                ? String(
                    format: "%10.3f %+9.3f ", Double(entry.tUs) / 1000, (Double(entry.tUs) - Double(previous)) / 1000)
                : "         –         – "  // the same 21 columns
            var x = screen.put(time, x: 0, y: y, style: selected ? .reverse : .dim)
            let severity = item.folded.compactMap { source.severity($0) }.max()
            let marker = severity == .error ? "✖" : severity == .warning ? "▲" : severity == .note ? "·" : " "
            x = screen.put(marker, x: x, y: y, style: selected ? .reverse : severity == .error ? .error : .warning)
            x = screen.put(
                entry.direction.arrow + " " + String(repeating: "  ", count: item.depth), x: x, y: y, style: base)
            let type = source.index.type(of: item.entry) ?? "[\(entry.opcode.rawValue)]"
            let label = item.isFold ? "\(type) ×\(item.folded.count)" : type
            x = screen.put(label, x: x, y: y, style: selected ? .reverse : style(source.family(item.entry)))
            let summary = item.isFold ? foldSummary(source, item) : source.summary(item.entry)
            screen.put(" " + summary, x: x, y: y, style: base)
        }
    }

    /// One row over the whole session: ━ a response is active, ▁ input audio, ▲/✖ findings,
    /// and the cursor's time in reverse video.
    static func ruler(_ model: TimelineModel, _ screen: inout ScreenBuffer) {
        let marks = model.source.ruler(width: screen.width)
        for (x, mark) in marks.enumerated() {
            let style: CellStyle = mark == "✖" ? .error : mark == "▲" ? .warning : mark == "━" ? .response : .dim
            screen.put(String(mark), x: x, y: 1, style: style)
        }
        if let entry = model.currentEntry {
            let x = model.source.rulerColumn(entry, width: screen.width)
            screen.put(String(marks[x]), x: x, y: 1, style: .reverse)
        }
    }

    static func foldSummary(_ source: TimelineSource, _ row: TimelineRow) -> String {
        guard let first = source.event(row.entry), let type = first["type"] as? String,
            let stream = source.catalog.spec(for: type)?.stream
        else { return "" }
        let entries = source.index.entries
        let span = (Double(entries[row.folded.last ?? row.entry].tUs) - Double(entries[row.entry].tUs)) / 1000
        let over = source.hasTiming ? String(format: " over %.0f ms", span) : ""
        if stream.payload == .audio {
            let total = row.folded.reduce(0) { sum, i in
                sum + ((source.event(i)?[stream.deltaField] as? String)?.utf8.count ?? 0)
            }
            return EventSummary.audio(base64Length: total) + over
        }
        let text = row.folded.prefix(400).map { (source.event($0)?[stream.deltaField] as? String) ?? "" }.joined()
        return EventSummary.quote(text, max: 300, escaped: false) + over
    }

    static func detail(_ model: TimelineModel, _ screen: inout ScreenBuffer, x0: Int, width: Int) {
        let state = model.state
        let top = TimelineModel.listTop + model.listHeight
        let bottom = state.height - 1
        guard top < bottom else { return }
        if let issue = model.currentRow?.issue {
            screen.fill(y: top, from: x0, to: x0 + width, style: .dim)
            screen.put(
                "── line \(issue.line) · unreadable (\(issue.code.rawValue)) ", x: x0, y: top, style: .dim,
                maxWidth: width)
            screen.put(
                "The reader skipped this line: \(issue.message)", x: x0 + 1, y: top + 1, style: .error,
                maxWidth: width - 1)
            return
        }
        guard let current = model.currentEntry else { return }
        let source = model.source
        let entry = source.index.entries[current]
        let focus = state.pane == .detail ? " [detail]" : ""
        screen.fill(y: top, style: .dim)
        screen.put(
            "── line \(entry.line) · seq \(current + 1) · \(entry.direction.word) · \(entry.opcode.rawValue)\(focus) ",
            x: 0, y: top, style: .dim)
        var lines: [PrettyJSON.Line] = []
        for f in source.findingsByLine[Int(entry.line)] ?? [] {
            let icon = f.severity == .error ? "✖" : f.severity == .warning ? "▲" : "·"
            let style: CellStyle = f.severity == .error ? .error : .warning
            lines.append([("\(icon) \(f.severity.rawValue) [\(f.rule)] ", style), (f.message, .plain)])
            if let e = f.expected { lines.append([("    Expected: ", .dim), (e, .plain)]) }
            if let a = f.actual { lines.append([("    Actual:   ", .dim), (a, .plain)]) }
            for r in f.related { lines.append([("    see line \(r.line): ", .dim), (r.note, .plain)]) }
        }
        if let value = source.lineValue(current) {
            lines += PrettyJSON.lines(value["event"] ?? value)
        }
        let visible = bottom - top - 1
        let scroll = max(0, min(state.detailScroll, max(0, lines.count - visible)))
        for (k, line) in lines.dropFirst(scroll).prefix(visible).enumerated() {
            var x = x0 + 1
            for (text, style) in line {
                x = screen.put(text, x: x, y: top + 1 + k, style: style, maxWidth: max(0, x0 + width - x))
            }
        }
    }

    static func conversation(_ model: TimelineModel, _ screen: inout ScreenBuffer, x0: Int, width: Int) {
        let top = TimelineModel.listTop + model.listHeight
        let bottom = model.state.height - 1
        guard top < bottom else { return }
        let entry =
            model.currentEntry
            ?? model.rows[..<min(model.rows.count, model.state.cursor + 1)].last { $0.entry >= 0 }?.entry
        let state = entry.map { model.source.conversation(at: $0) }
        let items = state?.items ?? []
        let line = entry.map { "line \(model.source.index.entries[$0].line)" } ?? "the start"
        let open = state?.openResponses ?? []
        let streaming = open.isEmpty ? "" : "· open: \(open.joined(separator: ", ")) "
        screen.fill(y: top, from: x0, to: x0 + width, style: .dim)
        screen.put(
            "── conversation at \(line): \(Plural.count(items.count, "item")) \(streaming)", x: x0, y: top, style: .dim,
            maxWidth: width
        )
        let visible = bottom - top - 1
        for (k, item) in items.suffix(visible).enumerated() {
            let number = items.count - min(items.count, visible) + k + 1
            let mark = item.truncatedAtMs.map { "✂\($0)ms " } ?? (item.status == "in_progress" ? "… " : "")
            let head =
                "\(number) \(item.role.isEmpty ? item.type : item.role)\(item.type == "message" ? "" : " \(item.type)") "
            var x = screen.put(head, x: x0 + 1, y: top + 1 + k, style: .key, maxWidth: width - 1)
            x = screen.put(mark, x: x, y: top + 1 + k, style: .warning, maxWidth: max(0, x0 + width - x))
            screen.put(
                EventSummary.quote(item.text, max: 400, escaped: false), x: x, y: top + 1 + k, style: .string,
                maxWidth: max(0, x0 + width - x))
        }
    }

    static func footer(_ model: TimelineModel, _ screen: inout ScreenBuffer) {
        let y = model.state.height - 1
        let state = model.state
        screen.fill(y: y, style: .reverse)
        let text: String
        if let prompt = state.prompt {
            let label =
                switch prompt {
                case .search: "/"
                case .filter: "filter (type glob, client/server, id): "
                case .line: "go to line: "
                }
            // The end of a long input stays in view (where the typing is).
            let room = max(2, screen.width - 2 - DisplayWidth.of(label))
            let input = String(Fitting.cut(String(state.input.reversed()), to: room).reversed())
            text = label + input + "▏"
        } else if let message = state.message {
            text = message
        } else {
            text = Fitting.line(hints, shrink: hintShrink, width: screen.width - 1)
        }
        screen.put(" " + text, x: 0, y: y, style: .reverse)
    }

    /// The footer's key hints, each abbreviated and then dropped (least needed first) to fit; `? help` stays.
    static let hints: [[String]] = [
        ["j/k move", "j/k", ""], ["e/E errors", "e/E err", ""], ["w/W warnings", "w/W warn", ""], ["r related", ""],
        ["Space replay", "Spc play", ""], ["z fold", ""], ["/ search", "/ find", ""], ["f filter", "f filt", ""],
        ["Tab detail", "Tab pane", ""], ["? help"], ["q quit", ""],
    ]
    static let hintShrink = [1, 2, 4, 6, 7, 8, 0, 5, 7, 8, 6, 4, 2, 1, 3, 0, 10]

    static func help(_ screen: inout ScreenBuffer) {
        let entries = Keymap.bindings.map { b in
            let keys = b.keys.map(\.label).joined(separator: " ")
            return keys + String(repeating: " ", count: max(1, 12 - DisplayWidth.of(keys))) + b.help
        }
        // One column when it fits, else two side by side (80×24 shows every binding).
        let rowsAvailable = max(1, screen.height - 4)
        let columns = entries.count <= rowsAvailable ? 1 : 2
        let perColumn = (entries.count + columns - 1) / columns
        let columnWidth =
            columns == 1
            ? min(screen.width - 6, (entries.map(DisplayWidth.of).max() ?? 20) + 1) : (screen.width - 6) / 2
        let width = columnWidth * columns + 4
        let height = min(screen.height, perColumn + 2)
        let x0 = max(0, (screen.width - width) / 2)
        let y0 = max(0, (screen.height - height) / 2)
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
