import RealtimeSession

/// Draws the side-by-side timeline from a `DiffFrame`: title, the diff's summary, column titles, the aligned rows,
/// the detail pane when open, and the footer.
///
/// Pure: every widget reads only the frame (values), so drawing reads no recording and the same frame gives the same
/// cells. Text goes through `ScreenBuffer.put`, which escapes it (`SafeText`).
///
/// A row: the cursor column, its mark (` ` same, `~` changed, `<` only in A, `>` only in B), its classes, its
/// response pair (`R2`), then A's event and B's event; a side that lacks the row is blank.
public enum DiffTimelineView {
    /// Columns before the two sides: cursor, mark, classes, response.
    static let prefix = 27

    public static func render(_ model: DiffTimelineModel) -> ScreenBuffer { render(model.frame) }

    public static func render(_ frame: DiffFrame) -> ScreenBuffer {
        let state = frame.state
        var screen = ScreenBuffer(width: state.width, height: state.height)
        let full = screen.width
        header(frame, Area(x: 0, y: 0, width: full, height: 3), into: &screen)
        list(frame, Area(x: 0, y: 3, width: full, height: frame.listHeight), into: &screen)
        let top = 3 + frame.listHeight
        if let detail = frame.detail {
            self.detail(
                detail, scroll: state.detailScroll, Area(x: 0, y: top, width: full, height: state.height - 1 - top),
                into: &screen)
        }
        footer(frame, Area(x: 0, y: state.height - 1, width: full, height: 1), into: &screen)
        return screen
    }

    /// Where B's column starts, and how wide each side is.
    static func columns(_ width: Int) -> (side: Int, b: Int) {
        let side = max(1, (width - prefix - 3) / 2)
        return (side, prefix + side + 3)
    }

    static func header(_ frame: DiffFrame, _ area: Area, into screen: inout ScreenBuffer) {
        screen.fill(y: area.y, style: .header)
        let position = frame.rowCount == 0 ? "no rows" : "row \(frame.state.cursor + 1)/\(frame.rowCount)"
        let differences =
            frame.differenceCount == 1 ? "1 row difference" : "\(frame.differenceCount) row differences"
        let right = " \(differences) · \(position) "
        let x = screen.put(" rtscope diff view", x: area.x, y: area.y, style: .header)
        screen.put(right, x: max(x + 1, area.width - DisplayWidth.of(right)), y: area.y, style: .header)
        screen.put(frame.summary, x: area.x + 1, y: area.y + 1, style: .dim, maxWidth: area.width - 1)
        let (side, b) = columns(area.width)
        screen.put("     classes          resp", x: area.x, y: area.y + 2, style: .bold, maxWidth: prefix)
        screen.put("A: " + frame.nameA, x: prefix, y: area.y + 2, style: .bold, maxWidth: side)
        screen.put("│", x: b - 2, y: area.y + 2, style: .dim)
        screen.put("B: " + frame.nameB, x: b, y: area.y + 2, style: .bold, maxWidth: side)
    }

    static func mark(_ mark: DiffMark) -> String {
        switch mark {
        case .same: " "
        case .changed: "~"
        case .onlyA: "<"
        case .onlyB: ">"
        }
    }

    static func list(_ frame: DiffFrame, _ area: Area, into screen: inout ScreenBuffer) {
        let (side, b) = columns(area.width)
        for (offset, line) in frame.lines.enumerated() where offset < area.height {
            let y = area.y + offset
            let selected = line.selected
            if selected { screen.fill(y: y, style: .reverse) }
            let markStyle: CellStyle = selected ? .reverse : line.mark == .same ? .dim : .warning
            screen.put(selected ? "▶" : " ", x: area.x, y: y, style: selected ? .reverse : .plain)
            screen.put(" " + mark(line.mark), x: area.x + 1, y: y, style: markStyle)
            let classes = line.classes.map(\.rawValue).joined(separator: ",")
            screen.put(classes, x: area.x + 5, y: y, style: markStyle, maxWidth: 16)
            if let response = line.response {
                screen.put("R\(response)", x: area.x + 22, y: y, style: selected ? .reverse : .dim, maxWidth: 4)
            }
            if let a = line.a { self.side(a, x: prefix, y: y, width: side, selected: selected, into: &screen) }
            screen.put("│", x: b - 2, y: y, style: selected ? .reverse : .dim)
            if let bSide = line.b { self.side(bSide, x: b, y: y, width: side, selected: selected, into: &screen) }
        }
    }

    static func side(_ s: DiffFrame.Side, x: Int, y: Int, width: Int, selected: Bool, into screen: inout ScreenBuffer) {
        let end = screen.put(
            s.label, x: x, y: y, style: selected ? .reverse : s.error ? .error : .plain, maxWidth: width)
        let room = x + width - end - 2
        if room > 0, !s.summary.isEmpty {
            screen.put(s.summary, x: end + 2, y: y, style: selected ? .reverse : .dim, maxWidth: room)
        }
    }

    static func detail(_ detail: DiffFrame.Detail, scroll: Int, _ area: Area, into screen: inout ScreenBuffer) {
        guard area.height > 0 else { return }
        screen.fill(y: area.y, style: .dim)
        screen.put(detail.title, x: area.x, y: area.y, style: .bold, maxWidth: area.width)
        // The differences first, then both events' JSON side by side; all of it scrolls together.
        var lines: [(left: [TimelineFrame.StyledText], right: [TimelineFrame.StyledText]?)] = detail.differences.map {
            ([TimelineFrame.StyledText(text: "  " + $0, style: .warning)], nil)
        }
        lines.append(
            (
                [TimelineFrame.StyledText(text: detail.titleA, style: .bold)],
                [TimelineFrame.StyledText(text: detail.titleB, style: .bold)]
            ))
        for k in 0..<max(detail.jsonA.count, detail.jsonB.count) {
            lines.append(
                (
                    detail.jsonA.indices.contains(k) ? detail.jsonA[k] : [],
                    detail.jsonB.indices.contains(k) ? detail.jsonB[k] : []
                ))
        }
        let half = max(1, (area.width - 3) / 2)
        let first = max(0, min(scroll, lines.count - 1))
        for (offset, line) in lines[first...].prefix(area.height - 1).enumerated() {
            let y = area.y + 1 + offset
            guard let right = line.right else {
                styled(line.left, x: area.x, y: y, width: area.width, into: &screen)
                continue
            }
            styled(line.left, x: area.x, y: y, width: half, into: &screen)
            screen.put("│", x: area.x + half + 1, y: y, style: .dim)
            styled(right, x: area.x + half + 3, y: y, width: half, into: &screen)
        }
    }

    static func styled(_ parts: [TimelineFrame.StyledText], x: Int, y: Int, width: Int, into screen: inout ScreenBuffer)
    {
        var col = x
        for part in parts where col < x + width {
            col = screen.put(part.text, x: col, y: y, style: part.style, maxWidth: x + width - col)
        }
    }

    static func footer(_ frame: DiffFrame, _ area: Area, into screen: inout ScreenBuffer) {
        screen.fill(y: area.y, style: .dim)
        let hint = frame.detail == nil ? DiffKeymap.hint : DiffKeymap.detailHint
        screen.put(" " + (frame.state.message ?? hint), x: area.x, y: area.y, maxWidth: area.width)
    }
}
