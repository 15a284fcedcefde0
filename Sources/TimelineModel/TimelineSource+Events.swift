import Foundation
import RealtimeProtocol
import RealtimeRecording
import RealtimeValidation

/// Random access to events by entry index: the index gives a line's offset and length, the store gives its bytes.
///
/// These are the only reads of a store after indexing. The model calls them when a key press or a refresh changes
/// what is on screen (`TimelineModel.prepare`); widgets never do. Each cache is bounded (cleared whole when full), so
/// memory does not grow with the file.
extension TimelineSource {
    /// How many decoded events, summaries and fold summaries the caches keep at most.
    static let cacheLimit = 4096
    /// How many decoded events are kept (a conversation replay decodes up to `snapshotInterval` events in a row).
    static let decodedLimit = 512

    /// Empties every cache filled by event reads (tests use it to show that drawing needs none of them).
    func clearCaches() {
        summaryCache.removeAll()
        foldCache.removeAll()
        decodedCache.removeAll()
        detailCache = nil
        conversationCache = nil
        snapshots.removeAll()
    }

    /// The event object of entry `i` (Foundation values, for summaries and the conversation), cached.
    func event(_ i: Int) -> [String: Any]? {
        if let cached = decodedCache[i] { return cached }
        guard let event = lineBytes(i).flatMap({ index.eventObject(at: i, line: $0) }) else { return nil }
        if decodedCache.count >= Self.decodedLimit { decodedCache.removeAll(keepingCapacity: true) }
        decodedCache[i] = event
        return event
    }

    /// The JSON text of entry `i`'s line.
    func lineValue(_ i: Int) -> JSONValue? { lineBytes(i).flatMap { JSONTape.parse($0) } }

    /// The bytes of entry `i`'s line, read back from the store.
    func lineBytes(_ i: Int) -> [UInt8]? {
        let entry = index.entries[i]
        return store.bytes(at: entry.offset, count: Int(entry.length))
    }

    /// The one-line summary of entry `i` (cached).
    func summary(_ i: Int) -> String {
        if let cached = summaryCache[i] { return cached }
        var text = ""
        if let event = event(i), let type = event["type"] as? String {
            // Not escaped here: `ScreenBuffer.put` escapes everything it draws, exactly once.
            text = EventSummary.summarize(event, spec: catalog.spec(for: type), maxText: 200, escaped: false)
        } else {
            text = "[\(index.entries[i].opcode.rawValue)]"
        }
        if summaryCache.count > Self.cacheLimit { summaryCache.removeAll(keepingCapacity: true) }
        summaryCache[i] = text
        return text
    }

    /// A fold row's summary: the size of its audio (added from lengths kept while indexing, no event read), or the
    /// start of its text (the first 400 deltas read once); cached by row, so drawing it again reads nothing.
    func foldSummary(_ row: TimelineRow) -> String {
        let key = FoldKey(first: row.entry, last: row.folded.last ?? row.entry, count: row.folded.count)
        if let cached = foldCache[key] { return cached }
        let text = makeFoldSummary(row)
        if foldCache.count > Self.cacheLimit { foldCache.removeAll(keepingCapacity: true) }
        foldCache[key] = text
        return text
    }

    private func makeFoldSummary(_ row: TimelineRow) -> String {
        guard let type = index.type(of: row.entry), let stream = catalog.spec(for: type)?.stream else { return "" }
        let entries = index.entries
        let span = (Double(entries[row.folded.last ?? row.entry].tUs) - Double(entries[row.entry].tUs)) / 1000
        let over = hasTiming ? String(format: " over %.0f ms", span) : ""
        if stream.payload == .audio {
            let total = row.folded.reduce(0) { $0 + Int(audioLengths[$1]) }
            return EventSummary.audio(base64Length: total) + over
        }
        let text = row.folded.prefix(400).map { (event($0)?[stream.deltaField] as? String) ?? "" }.joined()
        return EventSummary.quote(text, max: 300, escaped: false) + over
    }

    /// The detail pane's pretty-printed JSON of entry `i` (the last one asked for is kept).
    func detailLines(_ i: Int) -> [[TimelineFrame.StyledText]] {
        if let cached = detailCache, cached.entry == i { return cached.lines }
        let pretty = lineValue(i).map { value in PrettyJSON.lines(value["event"] ?? value) } ?? []
        let lines = pretty.map { line in line.map { TimelineFrame.StyledText(text: $0.0, style: $0.1) } }
        detailCache = (i, lines)
        return lines
    }

    /// `conversation(at:)`, with the last answer kept (the cursor often stays on one event across key presses).
    func conversationState(at entry: Int) -> ConversationState {
        if let cached = conversationCache, cached.entry == entry { return cached.state }
        let state = conversation(at: entry)
        conversationCache = (entry, state)
        return state
    }

    /// The conversation as it stands right after entry `entry`.
    public func conversation(at entry: Int) -> ConversationState {
        let base = (entry / snapshotInterval) * snapshotInterval
        var state = snapshot(before: base)
        for i in base...entry { if let event = event(i) { state.apply(event, catalog: catalog) } }
        return state
    }

    /// The state before entry `base` (a multiple of the interval), built forward from the latest earlier snapshot.
    ///
    /// A loop, not a recursion: a first jump to the end of a file with millions of events would otherwise nest one
    /// call per interval.
    private func snapshot(before base: Int) -> ConversationState {
        var start = base
        while start > 0, snapshots[start] == nil { start -= snapshotInterval }
        var state = start == 0 ? ConversationState() : snapshots[start] ?? ConversationState()
        while start < base {
            for i in start..<(start + snapshotInterval) {
                if let event = event(i) { state.apply(event, catalog: catalog) }
            }
            start += snapshotInterval
            snapshots[start] = state
        }
        return state
    }
}

/// A fold row's identity for the summary cache: its first and last entries and how many it covers (a fold still
/// growing at the end of a followed file gets a new key when a delta joins it).
struct FoldKey: Hashable {
    let first: Int
    let last: Int
    let count: Int
}
