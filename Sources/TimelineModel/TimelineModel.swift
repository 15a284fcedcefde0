import RealtimeProtocol
import RealtimeRecording
import RealtimeValidation

/// Which pane has the keyboard.
public enum Pane: Sendable, Hashable { case list, detail }

/// A text prompt being typed (search or filter).
public enum Prompt: Sendable, Hashable { case search, filter, line }

/// The timeline's state: a value, changed only by `apply(_:)` and `press(_:)`.
public struct TimelineState: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var cursor = 0
    public var top = 0
    public var fold = true
    public var pane = Pane.list
    public var detailScroll = 0
    public var showHelp = false
    /// Narrow screens: show the conversation instead of the detail pane (wide ones show both).
    public var showConversation = false
    /// Show the session's latency and cost numbers instead of the detail pane (`s`).
    public var showStats = false
    public var prompt: Prompt?
    public var input = ""
    public var search: String?
    public var filter: String?
    public var message: String?
    public var quit = false
    /// Replay: whether events are "arriving", the speed, and the replay clock (µs since the start).
    public var playing = false
    public var speedIndex = TimelineState.speeds.firstIndex(of: 1) ?? 2
    public var clockUs: Int64 = 0

    /// Replay speeds; 0 means "as fast as possible" (one event per tick).
    public static let speeds: [Double] = [0.25, 0.5, 1, 2, 4, 8, 16, 0]

    /// The speed for the header: `×1`, `×0.25`, `max`.
    public var speedLabel: String {
        let s = Self.speeds[speedIndex]
        return s == 0 ? "max" : s == s.rounded() ? "×\(Int(s))" : "×\(s)"
    }

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
}

/// The timeline: a source, its rows and the state.
///
/// Key handling and actions are pure transformations of the state (the source is only read).
public struct TimelineModel {
    public let source: TimelineSource
    public private(set) var state: TimelineState
    public private(set) var rows: [TimelineRow]
    /// Entries that pass the filter, in order.
    private var visible: [Int]

    public init(source: TimelineSource, width: Int, height: Int) {
        self.source = source
        self.state = TimelineState(width: width, height: height)
        self.visible = Array(source.index.entries.indices)
        self.rows = source.rows(visible, fold: true, issues: source.index.issues)
    }

    /// Rows the list pane shows at once.
    public var listHeight: Int { max(1, (state.height - 4) * 11 / 20) }

    /// The first row of the event list (below the header and the time ruler).
    public static let listTop = 2

    /// Handles one key: prompts take text, otherwise the keymap decides.
    public mutating func press(_ key: Key) {
        if key == .resize { return }
        if let prompt = state.prompt {
            switch key {
            case .enter: finishPrompt(prompt)
            case .escape:
                state.prompt = nil
                state.input = ""
            case .backspace: if !state.input.isEmpty { state.input.removeLast() }
            case .char(let c): state.input.append(c)
            default: break
            }
            return
        }
        if state.showHelp, key == .escape || key == .char("?") || key == .char("q") {
            state.showHelp = false
            return
        }
        state.message = nil
        guard let action = Keymap.action(for: key) else {
            state.message = "no key \(key.label); press ? for help"
            return
        }
        apply(action)
    }

    /// Resizes the screen.
    public mutating func resize(width: Int, height: Int) {
        state.width = width
        state.height = height
        scrollIntoView()
    }

    /// Carries out one action.
    public mutating func apply(_ action: TimelineAction) {
        let page = max(1, listHeight - 1)
        let source = self.source  // closures below read it while `self` changes
        switch action {
        case .down: state.pane == .detail ? (state.detailScroll += 1) : move(to: state.cursor + 1)
        case .up:
            state.pane == .detail ? (state.detailScroll = max(0, state.detailScroll - 1)) : move(to: state.cursor - 1)
        case .pageDown: move(to: state.cursor + page)
        case .pageUp: move(to: state.cursor - page)
        case .top: move(to: 0)
        case .bottom: move(to: rows.count - 1)
        case .nextError: jump(forward: true, "error", issues: .error) { source.isError($0) }
        case .previousError: jump(forward: false, "error", issues: .error) { source.isError($0) }
        case .nextWarning: jump(forward: true, "warning", issues: .warning) { source.severity($0) == .warning }
        case .previousWarning: jump(forward: false, "warning", issues: .warning) { source.severity($0) == .warning }
        case .nextInResponse, .previousInResponse:
            let response = currentEntry.map { source.index.entries[$0].responseID } ?? -1
            guard response >= 0 else {
                state.message = "this event belongs to no response"
                return
            }
            jump(forward: action == .nextInResponse, "event of this response") {
                source.index.entries[$0].responseID == response
            }
        case .toggleFold:
            let entry = currentEntry
            state.fold.toggle()
            rebuild(keeping: entry)
            state.message = state.fold ? "deltas folded" : "deltas unfolded"
        case .switchPane:
            state.pane = state.pane == .list ? .detail : .list
        case .toggleHelp: state.showHelp.toggle()
        case .toggleStats:
            state.showStats.toggle()
        case .toggleConversation:
            state.showConversation.toggle()
            state.message = state.width >= TimelineView.sideBySideWidth ? "the conversation is on the right" : nil
        case .related: goToRelated()
        case .playPause:
            state.playing.toggle()
            if state.playing, let entry = currentEntry { state.clockUs = source.index.entries[entry].tUs }
            let label = source.hasTiming ? state.speedLabel : "one event per step (no timing in source)"
            state.message = state.playing ? "playing \(label)" : "paused"
        case .faster, .slower:
            let next = state.speedIndex + (action == .faster ? 1 : -1)
            state.speedIndex = max(0, min(TimelineState.speeds.count - 1, next))
            state.message = "speed \(state.speedLabel)"
        case .stepForward, .stepBack:
            state.playing = false
            move(to: state.cursor + (action == .stepForward ? 1 : -1))
        case .beginSearch: startPrompt(.search)
        case .beginFilter: startPrompt(.filter)
        case .goToLine: startPrompt(.line)
        case .searchNext, .searchPrevious:
            guard let search = state.search else {
                state.message = "no search yet: press /"
                return
            }
            find(search, forward: action == .searchNext)
        case .clearFilter:
            state.filter = nil
            applyFilter()
        case .quit:
            if state.showHelp { state.showHelp = false } else { state.quit = true }
        }
    }

    /// Advances the replay by `elapsedUs` of wall time: the cursor follows the events whose recorded time the replay
    /// clock has reached (at "max", one event per call).
    ///
    /// Stops at the end.
    public mutating func tick(elapsedUs: Int64) {
        guard state.playing, !rows.isEmpty else { return }
        let speed = TimelineState.speeds[state.speedIndex]
        if speed == 0 || !source.hasTiming {  // no recorded timing: one event per tick, as at "max"
            move(to: state.cursor + 1)
        } else {
            // Saturating: the clock starts at an event's t_us, which may be near Int64.max.
            let step = Double(elapsedUs) * speed
            let advance = step.isFinite && step < 9e18 ? Int64(max(0, step)) : Int64.max
            let (sum, overflow) = state.clockUs.addingReportingOverflow(advance)
            state.clockUs = overflow ? .max : sum
            var row = state.cursor
            while row + 1 < rows.count, rows[row + 1].entry >= 0,
                source.index.entries[rows[row + 1].entry].tUs <= state.clockUs
            {
                row += 1
            }
            if row + 1 < rows.count, rows[row + 1].entry < 0 { row += 1 }  // step over an unreadable line
            if row != state.cursor { move(to: row) }
        }
        if state.cursor >= rows.count - 1 {
            state.playing = false
            state.message = "replay finished"
        }
    }

    /// Jumps to the event related to the current one: a finding's related line, the client event
    /// an error answers, or the `response.created` of the current response.
    private mutating func goToRelated() {
        guard let entry = currentEntry else { return }
        let index = source.index
        let line = Int(index.entries[entry].line)
        var targets = (source.findingsByLine[line] ?? []).flatMap { $0.related.map(\.line) }
        if let cause = (source.event(entry)?["error"] as? [String: Any])?["event_id"] as? String,
            let client = index.entries.first(where: { $0.eventIDHash == RecordingIndex.hash(cause.utf8) })
        {
            targets.append(Int(client.line))
        }
        // `session.updated` (and `transcription_session.updated`) answers the latest `session.update` before it.
        if let type = index.type(of: entry), type.hasSuffix(".updated"),
            index.entries[entry].direction == .serverToClient,
            let request = (0..<entry).reversed().first(where: {
                index.entries[$0].direction == .clientToServer && index.type(of: $0) == type.dropLast(2) + "e"
            })
        {
            targets.append(Int(index.entries[request].line))
        }
        let response = index.entries[entry].responseID
        if response >= 0, let first = index.entries.first(where: { $0.responseID == response }), Int(first.line) != line
        {
            targets.append(Int(first.line))
        }
        guard let target = targets.first(where: { $0 != line }),
            let row = rows.firstIndex(where: { $0.folded.contains { Int(index.entries[$0].line) == target } })
        else {
            state.message = "no related event"
            return
        }
        move(to: row)
        state.message = "related: line \(target)"
    }

    /// The entry under the cursor.
    public var currentEntry: Int? {
        guard rows.indices.contains(state.cursor), rows[state.cursor].entry >= 0 else { return nil }
        return rows[state.cursor].entry
    }

    /// The row under the cursor.
    public var currentRow: TimelineRow? { rows.indices.contains(state.cursor) ? rows[state.cursor] : nil }

    private mutating func move(to row: Int) {
        state.cursor = max(0, min(rows.count - 1, row))
        state.detailScroll = 0
        scrollIntoView()
    }

    private mutating func scrollIntoView() {
        if state.cursor < state.top { state.top = state.cursor }
        if state.cursor >= state.top + listHeight { state.top = state.cursor - listHeight + 1 }
        state.top = max(0, state.top)
    }

    /// Moves to the next (or previous) row, wrapping around, whose entries satisfy `test` (or,
    /// with `issues`, an unreadable line of that severity).
    private mutating func jump(forward: Bool, _ what: String, issues: Severity? = nil, _ test: (Int) -> Bool) {
        guard !rows.isEmpty else { return }
        for step in 1...rows.count {
            let row = (state.cursor + (forward ? step : -step) + rows.count * 2) % rows.count
            let issueHit = issues != nil && rows[row].issue?.severity == issues
            if issueHit || rows[row].folded.contains(where: test) {
                if forward ? row <= state.cursor : row >= state.cursor { state.message = "wrapped around" }
                move(to: row)
                return
            }
        }
        state.message = "no \(what)"
    }

    private mutating func startPrompt(_ prompt: Prompt) {
        state.prompt = prompt
        state.input = ""
    }

    private mutating func finishPrompt(_ prompt: Prompt) {
        let text = state.input
        state.prompt = nil
        state.input = ""
        switch prompt {
        case .search:
            guard !text.isEmpty else { return }
            state.search = text
            find(text, forward: true)
        case .filter:
            state.filter = text.isEmpty ? nil : text
            applyFilter()
        case .line:
            goToLine(String(text.filter { $0 != " " }))
        }
    }

    /// Moves to the row holding JSONL line `text` (as `stats` and `validate` name them), or to the
    /// last event before it when that line is not an event (the header, a blank or unreadable line).
    private mutating func goToLine(_ text: String) {
        guard let wanted = Int(text), wanted > 0 else {
            state.message = "not a line number: \(text)"
            return
        }
        let index = source.index
        var best: (row: Int, line: Int)?
        for (row, item) in rows.enumerated() {
            for entry in item.folded {
                let line = Int(index.entries[entry].line)
                if line <= wanted, line > (best?.line ?? 0) { best = (row, line) }
            }
        }
        guard let best else {
            state.message = "line \(wanted) is before the first event"
            return
        }
        move(to: best.row)
        state.message = best.line == wanted ? "line \(wanted)" : "line \(wanted) is no event; at line \(best.line)"
    }

    /// Finds `text` (case-insensitive) in event types, then in summaries.
    private mutating func find(_ text: String, forward: Bool) {
        let needle = text.lowercased()
        let source = self.source
        jump(forward: forward, "match for “\(text)”") { entry in
            (source.index.type(of: entry)?.lowercased().contains(needle) ?? false)
                || source.summary(entry).lowercased().contains(needle)
        }
    }

    /// Filter syntax: `client` / `server`, a type glob (`response.*.delta`), or an id (resp_…, item_…, call_…).
    private mutating func applyFilter() {
        let entry = currentEntry
        visible = matching(state.filter)
        state.message =
            state.filter.map { "\(visible.count) of \(source.index.entries.count) events match “\($0)”" }
            ?? "filter cleared"
        rebuild(keeping: entry)
    }

    /// The entries a filter selects (all of them without one).
    private func matching(_ filter: String?) -> [Int] {
        let index = source.index
        guard let filter else { return Array(index.entries.indices) }
        let direction = Direction(word: filter)
        let glob = TypeGlob(filter)
        return index.entries.indices.filter { i in
            let e = index.entries[i]
            if let direction { return e.direction == direction }
            if glob.matches(index.type(of: i) ?? "") { return true }
            return [e.responseID, e.itemID, e.callID].contains { index.string($0) == filter }
                || e.eventIDHash == RecordingIndex.hash(filter.utf8)
        }
    }

    /// Picks up lines appended to a followed recording.
    ///
    /// The cursor follows new events when it was on the last row. Returns whether anything changed.
    /// - Throws: the source's `RecordingError` when the file fails or shrinks while being read.
    public mutating func refresh() throws -> Bool {
        guard try source.refresh() else { return false }
        let atEnd = state.cursor >= rows.count - 1
        let entry = currentEntry
        if state.filter == nil {
            visible.append(contentsOf: visible.count..<source.index.entries.count)
            source.extendRows(&rows, fold: state.fold)  // only the tail can change
        } else {
            visible = matching(state.filter)
            rows = source.rows(visible, fold: state.fold, issues: [])
        }
        if atEnd {
            move(to: rows.count - 1)
        } else if let entry, state.cursor < rows.count, rows[state.cursor].folded.contains(entry) {
            // still on the same row (the usual case: rows only grow at the end)
        } else if let entry, let row = rows.firstIndex(where: { $0.folded.contains(entry) }) {
            state.cursor = row
        }
        return true
    }

    private mutating func rebuild(keeping entry: Int?) {
        rows = source.rows(visible, fold: state.fold, issues: state.filter == nil ? source.index.issues : [])
        let target =
            entry.flatMap { e in rows.firstIndex { $0.folded.contains(e) } ?? rows.firstIndex { $0.entry >= e } } ?? 0
        move(to: target)
    }
}
