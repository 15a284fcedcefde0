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
        if state.width >= sideBySideWidth {
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

    static func header(_ model: TimelineModel, _ screen: inout ScreenBuffer) {
        let source = model.source
        let entries = source.index.entries
        let sent = entries.filter { $0.direction == .clientToServer }.count
        let duration = Double((entries.last?.tUs ?? 0) - (entries.first?.tUs ?? 0)) / 1_000_000
        let errors = source.findings.filter { $0.severity == .error }.count
        let warnings = source.findings.filter { $0.severity == .warning }.count
        let name = (source.name as NSString).lastPathComponent
        var text = " \(name) · "
        if !source.caughtUp, !source.following { text += "reading \(Int(source.progress * 100))% · " }
        text += "\(source.index.header?.dialect?.rawValue ?? "dialect ?") · "
        text += source.index.header?.conn.map { "conn \($0) · " } ?? ""
        text += String(format: "%.1f s · ", duration)
        text += "\(entries.count) events (→\(sent) ←\(entries.count - sent)) · \(errors) errors \(warnings) warnings"
        text += " · row \(min(model.state.cursor + 1, model.rows.count))/\(model.rows.count)"
        if model.state.fold { text += " · folded" }
        if model.state.playing { text += " · ▶ \(model.state.speedLabel)" }
        if let filter = model.state.filter { text += " · filter “\(filter)”" }
        screen.fill(y: 0, style: .header)
        screen.put(text, x: 0, y: 0, style: .header)
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
            var x = screen.put(
                String(format: "%10.3f %+9.3f ", Double(entry.tUs) / 1000, Double(entry.tUs - previous) / 1000), x: 0,
                y: y, style: selected ? .reverse : .dim)
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
        let span =
            Double(source.index.entries[row.folded.last ?? row.entry].tUs - source.index.entries[row.entry].tUs) / 1000
        if stream.payload == .audio {
            let total = row.folded.reduce(0) { sum, i in
                sum + ((source.event(i)?[stream.deltaField] as? String)?.utf8.count ?? 0)
            }
            return EventSummary.audio(base64Length: total) + String(format: " over %.0f ms", span)
        }
        let text = row.folded.prefix(400).map { (source.event($0)?[stream.deltaField] as? String) ?? "" }.joined()
        return EventSummary.quote(text, max: 300) + String(format: " over %.0f ms", span)
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
            "── conversation at \(line): \(items.count) items \(streaming)", x: x0, y: top, style: .dim, maxWidth: width
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
                EventSummary.quote(item.text, max: 400), x: x, y: top + 1 + k, style: .string,
                maxWidth: max(0, x0 + width - x))
        }
    }

    static func footer(_ model: TimelineModel, _ screen: inout ScreenBuffer) {
        let y = model.state.height - 1
        let state = model.state
        screen.fill(y: y, style: .reverse)
        let text: String
        if let prompt = state.prompt {
            text = (prompt == .search ? "/" : "filter (type glob, client/server, id): ") + state.input + "▏"
        } else if let message = state.message {
            text = message
        } else {
            text =
                "j/k move · e/E errors · w/W warnings · r related · Space replay · z fold · / search · f filter · Tab detail · ? help · q quit"
        }
        screen.put(" " + text, x: 0, y: y, style: .reverse)
    }

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
                line, x: x0 + 2 + column * columnWidth, y: y0 + 1 + k % perColumn, style: .header,
                maxWidth: columnWidth - 1)
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
