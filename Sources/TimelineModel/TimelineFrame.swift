import Foundation
public import RealtimeProtocol
public import RealtimeRecording
public import RealtimeSession
public import RealtimeValidation

/// Everything one screen shows, as values: what the widgets draw, and all they can see.
///
/// Built by `TimelineModel.prepare()` after every key, resize, tick or refresh, from the source's index, findings
/// and session model (memory) and, through the source's bounded caches, the few events the screen needs (summaries
/// of the visible rows, the detail pane's event, the conversation). A frame holds no store and no index, so drawing
/// it (`TimelineView.render`) cannot read the recording; its size is that of the screen, not of the file.
public struct TimelineFrame: Sendable {
    public let state: TimelineState
    /// Rows the list pane shows at once, and how many rows there are in all.
    public let listHeight: Int
    public let rowCount: Int
    public let header: Header
    /// The ruler's marks (one per column) and the cursor's column.
    public let ruler: [Character]
    public let rulerCursor: Int?
    /// The rows from `state.top` on, as many as fit.
    public let list: [ListLine]
    /// The panes below the list: only those the layout shows are filled.
    public let detail: Detail?
    public let conversation: Conversation?
    public let stats: [StyledLine]?
    /// The audio level strip (`l`), nil when hidden.
    public var levels: LevelStripFrame? = nil

    /// The title line's facts.
    public struct Header: Sendable {
        public let name: String
        public let events: Int
        public let sent: Int
        public let errors: Int
        public let warnings: Int
        /// Whether the header says "reading N%" (a large file still being indexed, not followed).
        public let reading: Bool
        public let progress: Double
        public let dialect: String?
        public let conn: String?
        public let hasTiming: Bool
        public let seconds: Double
    }

    /// One row of the list pane.
    public enum ListLine: Sendable {
        case unreadable(ReaderIssue, selected: Bool)
        case event(EventLine)
    }

    /// An event (or fold) row: what the list draws for it.
    public struct EventLine: Sendable {
        public let selected: Bool
        public let tUs: Int64
        /// The `t_us` of the closest event row above (within 8 rows), for the gap column.
        public let previousTUs: Int64
        public let severity: Severity?
        public let direction: Direction
        public let depth: Int
        public let label: String
        public let family: EventFamily?
        public let summary: String
    }

    /// The detail pane: an unreadable line's problem, or an event's findings and pretty-printed JSON.
    public enum Detail: Sendable {
        case unreadable(ReaderIssue)
        case event(title: String, findings: [Finding], json: [[StyledText]])
    }

    /// The conversation pane: the items as they stand at `line`, and the responses still open.
    public struct Conversation: Sendable {
        public let line: String
        public let state: ConversationSnapshot?
    }

    /// A piece of text in one style.
    public struct StyledText: Sendable {
        public let text: String
        public let style: CellStyle
    }
    public typealias StyledLine = StyledText

    /// A frame with nothing in it (before the first `prepare`).
    static func empty(_ state: TimelineState) -> TimelineFrame {
        TimelineFrame(
            state: state, listHeight: 1, rowCount: 0,
            header: Header(
                name: "", events: 0, sent: 0, errors: 0, warnings: 0, reading: false, progress: 0, dialect: nil,
                conn: nil, hasTiming: false, seconds: 0),
            ruler: [], rulerCursor: nil, list: [], detail: nil, conversation: nil, stats: nil)
    }
}

/// Which panes sit below the list.
enum PaneLayout {
    case stats(conversationAt: Int?)
    case detailAndConversation(split: Int)
    case conversation
    case detail

    init(_ state: TimelineState) {
        if state.showStats {
            let split = state.width >= TimelineView.sideBySideWidth ? state.width * 3 / 5 : state.width + 1
            self = .stats(conversationAt: split < state.width ? split : nil)
        } else if state.width >= TimelineView.sideBySideWidth {
            self = .detailAndConversation(split: state.width * 3 / 5)
        } else if state.showConversation {
            self = .conversation
        } else {
            self = .detail
        }
    }

    var showsDetail: Bool {
        switch self {
        case .detailAndConversation, .detail: true
        case .stats, .conversation: false
        }
    }

    var showsConversation: Bool {
        switch self {
        case .stats(let at): at != nil
        case .detailAndConversation, .conversation: true
        case .detail: false
        }
    }
}

extension TimelineModel {
    /// The frame for the current state: the only place where drawing needs the store (through the source's caches).
    func makeFrame() -> TimelineFrame {
        let layout = PaneLayout(state)
        let width = max(1, state.width)
        let marks = source.ruler(width: width)
        var frame = TimelineFrame(
            state: state, listHeight: listHeight, rowCount: rows.count, header: headerFacts(), ruler: marks,
            rulerCursor: currentEntry.map { source.rulerColumn($0, width: width) }, list: listLines(),
            detail: layout.showsDetail ? detailPane() : nil,
            conversation: layout.showsConversation ? conversationPane() : nil,
            stats: state.showStats ? statsLines() : nil)
        frame.levels = levelStrip()
        return frame
    }

    private func headerFacts() -> TimelineFrame.Header {
        let header = source.index.header
        return TimelineFrame.Header(
            name: source.name, events: source.index.entries.count, sent: source.sentCount, errors: source.errorCount,
            warnings: source.warningCount, reading: !source.caughtUp && !source.following, progress: source.progress,
            dialect: header?.dialect?.rawValue, conn: header?.conn, hasTiming: source.hasTiming,
            seconds: (source.timeRange.map { Double($0.upperBound) - Double($0.lowerBound) } ?? 0) / 1e6)
    }

    private func listLines() -> [TimelineFrame.ListLine] {
        let entries = source.index.entries
        var lines: [TimelineFrame.ListLine] = []
        for offset in 0..<listHeight {
            let row = state.top + offset
            guard row < rows.count else { break }
            let item = rows[row]
            let selected = row == state.cursor
            if let issue = item.issue {
                lines.append(.unreadable(issue, selected: selected))
                continue
            }
            let entry = entries[item.entry]
            let previousEntry = (max(0, row - 8)..<row).reversed().map { rows[$0].entry }.first { $0 >= 0 }
            let type = source.index.type(of: item.entry) ?? "[\(entry.opcode.rawValue)]"
            lines.append(
                .event(
                    TimelineFrame.EventLine(
                        selected: selected, tUs: entry.tUs,
                        previousTUs: previousEntry.map { entries[$0].tUs } ?? entry.tUs,
                        severity: item.folded.compactMap { source.severity($0) }.max(), direction: entry.direction,
                        depth: item.depth, label: item.isFold ? "\(type) ×\(item.folded.count)" : type,
                        family: source.family(item.entry),
                        summary: item.isFold ? source.foldSummary(item) : source.summary(item.entry))))
        }
        return lines
    }

    private func detailPane() -> TimelineFrame.Detail? {
        if let issue = currentRow?.issue { return .unreadable(issue) }
        guard let current = currentEntry else { return nil }
        let entry = source.index.entries[current]
        let focus = state.pane == .detail ? " [detail]" : ""
        let title =
            "── line \(entry.line) · seq \(current + 1) · \(entry.direction.word) · \(entry.opcode.rawValue)\(focus) "
        return .event(
            title: title, findings: source.findings(line: Int(entry.line)), json: source.detailLines(current))
    }

    private func conversationPane() -> TimelineFrame.Conversation {
        let entry = currentEntry ?? rows[..<min(rows.count, state.cursor + 1)].last { $0.entry >= 0 }?.entry
        return TimelineFrame.Conversation(
            line: entry.map { "line \(source.index.entries[$0].line)" } ?? "the start",
            state: entry.map { source.conversationState(at: $0) })
    }
}
