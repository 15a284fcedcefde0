/// The Realtime protocol's events as data: names, directions, dialects, fields, ids and streams.
///
/// Every rule, view and importer asks the catalog instead of spelling event names itself.
/// Sources: `../shared/docs/realtime-protocol.md` §2–§3 (beta and GA dialects). Unknown event
/// types are not an error here: `spec(for:)` returns `nil` and callers decide.
///
/// Lookup is a dictionary hit, O(1).
public struct EventCatalog: Sendable {
    /// Every event, client events first, in a stable order.
    public let events: [EventSpec]
    private let byName: [String: Int]
    private let counterparts: [String: String]
    private let streamsByDone: [String: StreamSpec]
    private let currentNames: [String: String]

    public init(events: [EventSpec]) {
        self.events = events
        var index: [String: Int] = [:]
        for (offset, spec) in events.enumerated() where index[spec.name] == nil {
            index[spec.name] = offset
        }
        self.byName = index
        var counterparts: [String: String] = [:]
        for pair in Self.gaRenames where pair.beta != pair.ga {
            if let ga = index[pair.ga].map({ events[$0] }), ga.dialects == .ga, index[pair.beta] != nil {
                counterparts[pair.beta] = counterparts[pair.beta] ?? pair.ga
                counterparts[pair.ga] = counterparts[pair.ga] ?? pair.beta
            }
        }
        self.counterparts = counterparts
        var streams: [String: StreamSpec] = [:]
        for case let stream? in events.map(\.stream) where streams[stream.doneEvent] == nil {
            streams[stream.doneEvent] = stream
        }
        self.streamsByDone = streams
        var current: [String: String] = [:]
        for pair in Self.olderNames where index[pair.old] != nil && index[pair.current] != nil {
            current[pair.old] = pair.current
        }
        self.currentNames = current
    }

    /// The current name of an event known by an older name (`output_audio_buffer.audio_started` →
    /// `output_audio_buffer.started`), else `nil`.
    public func currentName(of type: String) -> String? { currentNames[type] }

    /// The one spelling rules and models are written against.
    ///
    /// An older name is mapped to its current name, then a GA-renamed event to its beta name
    /// (`response.output_text.delta` → `response.text.delta`). Unknown and unrenamed types come back
    /// unchanged.
    public func canonicalName(of type: String) -> String {
        let current = currentNames[type] ?? type
        guard spec(for: current)?.dialects == .ga, let beta = counterpart(of: current) else { return current }
        return beta
    }

    /// The catalog built into rtscope.
    public static let standard = EventCatalog(
        events: clientEvents + sessionServerEvents + responseEvents + renamedGAEvents + gaOnlyEvents
            + olderNameEvents)

    /// The spec of an event type, or `nil` for a type the catalog does not know.
    public func spec(for type: String) -> EventSpec? {
        byName[type].map { events[$0] }
    }

    /// Whether the catalog knows the type.
    public func contains(_ type: String) -> Bool { byName[type] != nil }

    /// The event's counterpart in the other dialect when its name changed there
    /// (`response.text.delta` ↔ `response.output_text.delta`), else `nil`.
    public func counterpart(of type: String) -> String? { counterparts[type] }

    /// Every dot-separated path at which some event carries an identifier.
    public var idPaths: Set<String> {
        Set(events.flatMap { $0.ids.map(\.path) })
    }

    /// The delta stream that `doneEvent` closes, if any.
    public func stream(closedBy doneEvent: String) -> StreamSpec? {
        streamsByDone[doneEvent]
    }

    /// Events that exist only in one dialect, keyed by name: evidence for dialect detection.
    public func dialectOnly(_ type: String) -> Dialect? {
        guard let spec = spec(for: type) else { return nil }
        switch spec.dialects {
        case .beta: return .beta
        case .ga: return .ga
        default: return nil
        }
    }
}
