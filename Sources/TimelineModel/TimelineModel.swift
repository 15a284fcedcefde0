import RealtimeProtocol
import RealtimeRecording
import RealtimeValidation

/// The timeline: a source, its rows, the state, and the frame the screen is drawn from.
///
/// Key handling and actions are pure transformations of the state (the source is only read). After each change
/// (`press`, `apply`, `resize`, `tick`, `refresh`) the model prepares its `frame`: that is when the few events the
/// screen needs are read (through the source's bounded caches); drawing the frame reads nothing.
public struct TimelineModel {
    public let source: TimelineSource
    public internal(set) var state: TimelineState {
        didSet { stale = true }
    }
    /// The rows (changed only by `rebuild` and `refresh`, which prepare a new frame themselves).
    public private(set) var rows: [TimelineRow]
    /// Entries that pass the filter, in order.
    var visible: [Int]
    /// What the screen shows for the current state (see `TimelineFrame`).
    public private(set) var frame: TimelineFrame
    /// Whether the state or the rows changed since the frame was prepared.
    private var stale = false
    /// The level strip's measurements (a cache, filled by `advanceLevels`).
    let levelScan = AudioLevelScan()
    /// Effects for the runner (`takeEffects`): playback to start or stop (see AudioPlayback.swift).
    var effects: [TimelineEffect] = []

    public init(source: TimelineSource, width: Int, height: Int) {
        self.source = source
        let state = TimelineState(width: width, height: height)
        let visible = Array(source.index.entries.indices)
        let rows = source.rows(visible, fold: true, issues: source.index.issues)
        self.state = state
        self.visible = visible
        self.rows = rows
        self.frame = TimelineFrame.empty(state)
        prepare()
    }

    /// Builds the frame for the current state and rows (reads events the screen needs, through caches).
    mutating func prepare() {
        frame = makeFrame()
        stale = false
    }

    /// Prepares the frame again if anything changed since the last one.
    public mutating func prepareIfStale() { if stale { prepare() } }

    /// Rows the list pane shows at once.
    public var listHeight: Int { max(1, (state.height - 4) * 11 / 20) }

    /// The first row of the event list (below the header and the time ruler).
    public static let listTop = 2

    /// Handles one key: prompts take text, otherwise the keymap decides.
    public mutating func press(_ key: Key) {
        defer { prepareIfStale() }
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
        defer { prepareIfStale() }
        state.width = width
        state.height = height
        scrollIntoView()
    }

    /// Carries out one action.
    public mutating func apply(_ action: TimelineAction) {
        defer { prepareIfStale() }
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
        case .related, .previousRelated:
            if !(state.showStats && visitMetricEvent(forward: action == .related)) { goToRelated() }
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
        case .toggleLevels, .playSelection, .playMix, .stopPlayback: audioAction(action)
        case .quit:
            if state.showHelp { state.showHelp = false } else { state.quit = true }
        }
    }

    /// Advances the replay by `elapsedUs` of wall time: the cursor follows the events whose recorded time the replay
    /// clock has reached (at "max", one event per call).
    ///
    /// Stops at the end.
    public mutating func tick(elapsedUs: Int64) {
        defer { prepareIfStale() }
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

    /// The entry under the cursor.
    public var currentEntry: Int? {
        guard rows.indices.contains(state.cursor), rows[state.cursor].entry >= 0 else { return nil }
        return rows[state.cursor].entry
    }

    /// The row under the cursor.
    public var currentRow: TimelineRow? { rows.indices.contains(state.cursor) ? rows[state.cursor] : nil }

    mutating func move(to row: Int) {
        state.cursor = max(0, min(rows.count - 1, row))
        state.detailScroll = 0
        scrollIntoView()
    }

    private mutating func scrollIntoView() {
        if state.cursor < state.top { state.top = state.cursor }
        if state.cursor >= state.top + listHeight { state.top = state.cursor - listHeight + 1 }
        state.top = max(0, state.top)
    }

    /// Picks up lines appended to a followed recording.
    ///
    /// The cursor follows new events when it was on the last row. Returns whether anything changed.
    /// With `preparing` false the frame is left stale (a caller catching up in a loop prepares once, with
    /// `prepareIfStale()`, before it paints).
    /// - Throws: the source's `RecordingError` when the file fails or shrinks while being read.
    public mutating func refresh(preparing: Bool = true) throws -> Bool {
        defer { if preparing { prepareIfStale() } }
        guard try source.refresh() else {
            // Nothing new, but the header's progress, the "reading" mark or the end-of-session findings may have moved.
            if !source.caughtUp || frame.header.reading { stale = true }
            return false
        }
        stale = true
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

    mutating func rebuild(keeping entry: Int?) {
        rows = source.rows(visible, fold: state.fold, issues: state.filter == nil ? source.index.issues : [])
        let target =
            entry.flatMap { e in rows.firstIndex { $0.folded.contains(e) } ?? rows.firstIndex { $0.entry >= e } } ?? 0
        move(to: target)
    }
}
