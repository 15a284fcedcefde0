import Foundation
import RealtimeProtocol
import RealtimeRecording
public import RealtimeSession
import RealtimeValidation

/// Random access to events by entry index: the index gives a line's offset and length, the store gives its bytes.
///
/// These are the only reads of a store after indexing. The model calls them when a key press or a refresh changes
/// what is on screen (`TimelineModel.prepare`); widgets never do. Each cache is bounded (cleared whole when full), so
/// memory does not grow with the file.
extension TimelineSource {
    /// How many decoded events, summaries and fold summaries the caches keep at most.
    static let cacheLimit = 4096
    /// How many decoded events are kept (a text fold's summary decodes up to 400 in a row).
    static let decodedLimit = 512

    /// Empties every cache filled by event reads (tests use it to show that drawing needs none of them).
    func clearCaches() {
        summaryCache.removeAll()
        foldCache.removeAll()
        decodedCache.removeAll()
        detailCache = nil
        conversationCache = nil
    }

    /// The event of entry `i` as a tape value (for summaries, text folds and "related"), cached.
    ///
    /// The line's `event` object, or a `text` payload that is a JSON object (a pretty-printed frame); nil otherwise.
    func event(_ i: Int) -> JSONValue? {
        if let cached = decodedCache[i] { return cached }
        guard let line = lineValue(i) else { return nil }
        var found = line["event"]
        if found == nil, let text = line["text"]?.string { found = JSONTape.parse(Array(text.utf8)) }
        guard let event = found, event.isObject else { return nil }
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
        if let event = event(i), let type = event["type"]?.string {
            // Not escaped here: `ScreenBuffer.put` escapes everything it draws, exactly once. The same summary as
            // `cat` prints (one implementation, over the tree of this one event).
            text = EventSummary.summarize(JSON(event), spec: catalog.spec(for: type), maxText: 200, escaped: false)
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
        let text = row.folded.prefix(400).map { (event($0)?[stream.deltaField]?.string) ?? "" }.joined()
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
    func conversationState(at entry: Int) -> ConversationSnapshot {
        if let cached = conversationCache, cached.entry == entry { return cached.state }
        let state = conversationLog.snapshot(throughEvent: entry, tail: Self.conversationTail)
        conversationCache = (entry, state)
        return state
    }

    /// How many of the last items the conversation pane is given (more than any screen shows).
    static let conversationTail = 512

    /// The conversation as it stands right after entry `entry`, from the session model (no event is read).
    public func conversation(at entry: Int) -> ConversationSnapshot {
        conversationLog.snapshot(throughEvent: entry)
    }
}

/// A fold row's identity for the summary cache: its first and last entries and how many it covers (a fold still
/// growing at the end of a followed file gets a new key when a delta joins it).
struct FoldKey: Hashable {
    let first: Int
    let last: Int
    let count: Int
}
