import Foundation
import RealtimeProtocol
import RealtimeRecording
import RealtimeSession
import RealtimeValidation

/// The widgets below the header: the ruler, the event list and the panes under it (detail, conversation, stats).
///
/// Each draws only what its `TimelineFrame` holds, clipped to its `Area`.
extension TimelineView {
    /// The visible rows: time and gap to the row above, the worst finding, direction, depth, type and summary.
    static func list(_ frame: TimelineFrame, _ area: Area, into screen: inout ScreenBuffer) {
        for (offset, line) in frame.list.prefix(area.height).enumerated() {
            let y = area.y + offset
            switch line {
            case .unreadable(let issue, let selected):
                if selected { screen.fill(y: y, style: .reverse) }
                let marker = issue.severity == .error ? "✖" : "▲"
                let text =
                    String(repeating: " ", count: 21) + marker + "  line \(issue.line) unreadable: \(issue.message)"
                screen.put(
                    text, x: area.x, y: y, style: selected ? .reverse : issue.severity == .error ? .error : .warning)
            case .event(let row):
                event(row, hasTiming: frame.header.hasTiming, x: area.x, y: y, into: &screen)
            }
        }
    }

    private static func event(
        _ row: TimelineFrame.EventLine, hasTiming: Bool, x x0: Int, y: Int, into screen: inout ScreenBuffer
    ) {
        let selected = row.selected
        let base: CellStyle = selected ? .reverse : .plain
        if selected { screen.fill(y: y, style: .reverse) }
        let time =
            hasTiming
            ? String(
                format: "%10.3f %+9.3f ", Double(row.tUs) / 1000, (Double(row.tUs) - Double(row.previousTUs)) / 1000)
            : "         –         – "  // the same 21 columns
        var x = screen.put(time, x: x0, y: y, style: selected ? .reverse : .dim)
        let severity = row.severity
        let marker = severity == .error ? "✖" : severity == .warning ? "▲" : severity == .note ? "·" : " "
        x = screen.put(marker, x: x, y: y, style: selected ? .reverse : severity == .error ? .error : .warning)
        x = screen.put(
            row.direction.arrow + " " + String(repeating: "  ", count: row.depth), x: x, y: y, style: base)
        x = screen.put(row.label, x: x, y: y, style: selected ? .reverse : style(row.family))
        screen.put(" " + row.summary, x: x, y: y, style: base)
    }

    /// One row over the whole session: ━ a response is active, ▁ input audio, ▲/✖ findings,
    /// and the cursor's time in reverse video.
    static func ruler(_ frame: TimelineFrame, _ area: Area, into screen: inout ScreenBuffer) {
        let marks = frame.ruler
        for (x, mark) in marks.enumerated() {
            let style: CellStyle = mark == "✖" ? .error : mark == "▲" ? .warning : mark == "━" ? .response : .dim
            screen.put(String(mark), x: area.x + x, y: area.y, style: style)
        }
        if let x = frame.rulerCursor, marks.indices.contains(x) {
            screen.put(String(marks[x]), x: area.x + x, y: area.y, style: .reverse)
        }
    }

    /// The selected event's findings and pretty-printed JSON (scrolled), or an unreadable line's problem.
    static func detail(_ frame: TimelineFrame, _ area: Area, into screen: inout ScreenBuffer) {
        let (top, bottom, x0, width) = (area.y, area.bottom, area.x, area.width)
        guard top < bottom else { return }
        switch frame.detail {
        case nil: return
        case .unreadable(let issue):
            screen.fill(y: top, from: x0, to: x0 + width, style: .dim)
            screen.put(
                "── line \(issue.line) · unreadable (\(issue.code.rawValue)) ", x: x0, y: top, style: .dim,
                maxWidth: width)
            screen.put(
                "The reader skipped this line: \(issue.message)", x: x0 + 1, y: top + 1, style: .error,
                maxWidth: width - 1)
        case .event(let title, let findings, let json):
            screen.fill(y: top, style: .dim)
            screen.put(title, x: 0, y: top, style: .dim)
            var lines: [[TimelineFrame.StyledText]] = []
            func line(_ parts: (String, CellStyle)...) {
                lines.append(parts.map { TimelineFrame.StyledText(text: $0.0, style: $0.1) })
            }
            for f in findings {
                let icon = f.severity == .error ? "✖" : f.severity == .warning ? "▲" : "·"
                let style: CellStyle = f.severity == .error ? .error : .warning
                line(("\(icon) \(f.severity.rawValue) [\(f.rule)] ", style), (f.message, .plain))
                if let e = f.expected { line(("    Expected: ", .dim), (e, .plain)) }
                if let a = f.actual { line(("    Actual:   ", .dim), (a, .plain)) }
                for r in f.related { line(("    see line \(r.line): ", .dim), (r.note, .plain)) }
            }
            let visible = bottom - top - 1
            let total = lines.count + json.count
            let scroll = max(0, min(frame.state.detailScroll, max(0, total - visible)))
            let shown = (lines + json).dropFirst(scroll).prefix(visible)
            for (k, line) in shown.enumerated() {
                var x = x0 + 1
                for part in line {
                    x = screen.put(
                        part.text, x: x, y: top + 1 + k, style: part.style, maxWidth: max(0, x0 + width - x))
                }
            }
        }
    }

    /// The conversation as it stands at the selected event: the last items that fit, and the open responses.
    static func conversation(_ frame: TimelineFrame, _ area: Area, into screen: inout ScreenBuffer) {
        let (top, bottom, x0, width) = (area.y, area.bottom, area.x, area.width)
        guard top < bottom, let pane = frame.conversation else { return }
        let state = pane.state
        let items = state?.items ?? []
        let total = state?.count ?? 0  // items present; `items` may hold only the last of them
        let open = state?.openResponses ?? []
        let streaming = open.isEmpty ? "" : "· open: \(open.joined(separator: ", ")) "
        screen.fill(y: top, from: x0, to: x0 + width, style: .dim)
        screen.put(
            "── conversation at \(pane.line): \(Plural.count(total, "item")) \(streaming)", x: x0, y: top,
            style: .dim, maxWidth: width
        )
        let visible = bottom - top - 1
        for (k, item) in items.suffix(visible).enumerated() {
            let number = total - min(items.count, visible) + k + 1
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

    /// The stats pane (`s`): lines prepared by `TimelineModel.statsLines()`.
    static func stats(_ frame: TimelineFrame, _ area: Area, into screen: inout ScreenBuffer) {
        let (top, bottom, x0, width) = (area.y, area.bottom, area.x, area.width)
        guard top < bottom, width > 0 else { return }
        screen.fill(y: top, from: x0, to: x0 + width, style: .dim)
        _ = screen.put("── stats (s: back to the event) ", x: x0, y: top, style: .dim, maxWidth: width)
        for (k, line) in (frame.stats ?? []).enumerated() where top + 1 + k < bottom {
            _ = screen.put(line.text, x: x0 + 1, y: top + 1 + k, style: line.style, maxWidth: width - 1)
        }
    }
}
