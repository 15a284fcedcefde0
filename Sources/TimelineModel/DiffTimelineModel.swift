import RealtimeRecording
public import RealtimeSession

/// The side-by-side timeline's state: a value, changed only by `DiffTimelineModel.press`.
public struct DiffTimelineState: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var cursor = 0
    public var top = 0
    /// Whether the detail pane (both events, and what differs) is open below the list.
    public var showDetail = false
    public var detailScroll = 0
    public var message: String?
    public var quit = false

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
}

/// What a key does in the side-by-side timeline.
public enum DiffTimelineAction: Sendable, Hashable {
    case down, up, pageDown, pageUp, top, bottom, nextDifference, previousDifference, toggleDetail, closeDetail, quit
}

/// The side-by-side timeline's keys, in one table (the help text is what `view --help` and the docs list).
public enum DiffKeymap {
    public static let bindings: [(keys: [Key], action: DiffTimelineAction, help: String)] = [
        ([.char("j"), .down], .down, "next row / scroll the detail down"),
        ([.char("k"), .up], .up, "previous row / scroll the detail up"),
        ([.pageDown, .char("d")], .pageDown, "page down"),
        ([.pageUp, .char("b")], .pageUp, "page up"),
        ([.char("g"), .home], .top, "first row"),
        ([.char("G"), .end], .bottom, "last row"),
        ([.char("n")], .nextDifference, "next difference"),
        ([.char("N")], .previousDifference, "previous difference"),
        ([.enter, .tab], .toggleDetail, "both events' details and what differs (again: close)"),
        ([.escape], .closeDetail, "close the details"),
        ([.char("q")], .quit, "quit"),
    ]

    /// The action bound to `key`, if any.
    public static func action(for key: Key) -> DiffTimelineAction? {
        bindings.first { $0.keys.contains(key) }?.action
    }

    /// The footer's reminder of the keys.
    static let hint = "j/k move · n/N next/previous difference · Enter details · q quit"
    static let detailHint = "j/k scroll the details · n/N next/previous difference · Enter/Esc close · q quit"
}

/// `rtscope view A --diff B`: two aligned timelines (`DiffTimeline`), a cursor, and the frame the screen is drawn from.
///
/// As in `TimelineModel`, key handling changes the state, and after each change the model prepares its `frame`:
/// that is when the events the screen needs are read (through each source's bounded caches); drawing reads nothing.
///
/// A difference, for `n`/`N`, is a run of adjacent rows that are not `same` and share their mark and classes (two
/// extra audio appends are one difference, not two).
public struct DiffTimelineModel {
    public let timeline: DiffTimeline
    public internal(set) var state: DiffTimelineState
    public private(set) var frame: DiffFrame
    /// The first row of every difference, in order.
    public let differences: [Int]

    public init(timeline: DiffTimeline, width: Int, height: Int) {
        self.timeline = timeline
        state = DiffTimelineState(width: width, height: height)
        let rows = timeline.rows
        differences = rows.indices.filter { r in
            rows[r].mark != .same && (r == 0 || !Self.sameDifference(rows[r - 1], rows[r]))
        }
        let empty = [("A", timeline.a), ("B", timeline.b)].filter { $0.1.index.entries.isEmpty }
        if !empty.isEmpty {
            // Said on screen too: a line on standard error is hidden behind the terminal UI until it quits.
            state.message =
                empty.map { "\($0.0) (\($0.1.name))" }.joined(separator: " and ")
                + (empty.count == 1 ? " holds" : " hold")
                + " no events: everything on the other side shows as a difference"
        }
        frame = DiffFrame.empty(state)
        prepare()
    }

    static func sameDifference(_ x: DiffTimelineRow, _ y: DiffTimelineRow) -> Bool {
        x.mark != .same && x.mark == y.mark && x.classes == y.classes && x.response == y.response
    }

    /// Rows the list shows at once: the whole screen but four lines, or about two fifths of it with the detail open.
    public var listHeight: Int { DiffFrame.listHeight(state) }

    var rows: [DiffTimelineRow] { timeline.rows }

    /// Handles one key.
    public mutating func press(_ key: Key) {
        defer { prepare() }
        if key == .resize { return }
        state.message = nil
        guard let action = DiffKeymap.action(for: key) else {
            state.message = "no key \(key.label) in the diff view: " + DiffKeymap.hint
            return
        }
        apply(action)
    }

    /// Resizes the screen.
    public mutating func resize(width: Int, height: Int) {
        defer { prepare() }
        state.width = width
        state.height = height
        scrollIntoView()
    }

    public mutating func apply(_ action: DiffTimelineAction) {
        defer { prepare() }
        let page = max(1, listHeight - 1)
        switch action {
        case .down: state.showDetail ? (state.detailScroll += 1) : move(to: state.cursor + 1)
        case .up:
            state.showDetail ? (state.detailScroll = max(0, state.detailScroll - 1)) : move(to: state.cursor - 1)
        case .pageDown: move(to: state.cursor + page)
        case .pageUp: move(to: state.cursor - page)
        case .top: move(to: 0)
        case .bottom: move(to: rows.count - 1)
        case .nextDifference, .previousDifference:
            let forward = action == .nextDifference
            let target = forward ? differences.first { $0 > state.cursor } : differences.last { $0 < state.cursor }
            guard let target, let k = differences.firstIndex(of: target) else {
                state.message =
                    differences.isEmpty
                    ? "no row differs (latency and usage are session-wide: see the summary line)"
                    : "no difference \(forward ? "below" : "above") this row"
                return
            }
            move(to: target)
            let classes = rows[target].classes.map(\.rawValue).joined(separator: ", ")
            state.message =
                "difference \(k + 1) of \(differences.count): \(Self.markWord(rows[target].mark))"
                + (classes.isEmpty ? "" : " (\(classes))")
        case .toggleDetail:
            state.showDetail.toggle()
            state.detailScroll = 0
            scrollIntoView()
        case .closeDetail:
            state.showDetail = false
            scrollIntoView()
        case .quit: state.quit = true
        }
    }

    static func markWord(_ mark: DiffMark) -> String {
        switch mark {
        case .same: "same"
        case .changed: "changed"
        case .onlyA: "only in A"
        case .onlyB: "only in B"
        }
    }

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

    /// Builds the frame for the current state (reads the events the screen needs, through the sources' caches).
    mutating func prepare() { frame = makeFrame() }
}
