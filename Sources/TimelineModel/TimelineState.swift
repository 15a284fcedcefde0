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
    /// With the stats pane open, `r` and `R` visit the selected response's metric events in turn: the
    /// response and the event visited last.
    public var metricVisit: MetricVisit?
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
    /// The audio level strip under the ruler (`l`; see AudioLevels.swift).
    public var showLevels = false
    /// What an external player is playing (`a`/`A`), as the footer names it; nil when nothing plays.
    public var playback: String?

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

/// Where `r`/`R` in the stats pane are: the response whose metric events they visit, and the one visited last
/// (an index into its start and end events, see `TimelineModel.metricStops`).
public struct MetricVisit: Sendable, Equatable {
    public var response: String
    public var current: Int
    /// The row `r` moved to: while the cursor stays there, the next `r` continues this response.
    public var row: Int
}
