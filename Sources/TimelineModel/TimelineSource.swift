import Foundation
import RealtimeProtocol
public import RealtimeRecording
public import RealtimeSession
public import RealtimeValidation

/// What the timeline shows: the recording's per-line index, the validator's findings, and
/// one-line summaries computed on demand for the rows on screen.
///
/// Memory: the index (48 bytes per frame plus interned ids) and the findings; event bodies are
/// read back from the file only for visible rows and the detail pane (a bounded cache keeps
/// recent summaries).
public final class TimelineSource {
    /// The file events are read from, open for the source's life (the user's recording, or a temporary copy of a
    /// stream or an imported log).
    let file: SourceFile
    /// The file the user named (what the title shows).
    public var name: String { file.name }
    public private(set) var index = RecordingIndex()
    public private(set) var findings: [Finding] = []
    /// Findings by JSONL line.
    public private(set) var findingsByLine: [Int: [Finding]] = [:]
    let catalog = EventCatalog.standard
    private var summaryCache: [Int: String] = [:]
    var rulerCache: (width: Int, marks: [Character])?
    /// Conversation states before every `snapshotInterval`-th entry.
    var snapshots: [Int: ConversationState] = [:]
    /// Snapshots every this many events keep `conversation(at:)` from replaying the whole file.
    ///
    /// Set it before the first query.
    public var snapshotInterval = 256
    /// The validator, kept across refreshes while following a growing file.
    private var validator: SessionValidator?
    /// The session model, built from the same events as the validator (no audio chunks kept).
    private var session = SessionModelBuilder(keepsAudioChunks: false)

    /// The session as read so far: responses, turns, tool calls, barge-ins and their metrics.
    public var sessionModel: SessionModel { session.finish(header: index.header) }
    /// Where the next refresh starts reading: after the last complete line.
    private var nextOffset: Int64 = 0
    private var nextLine = 0
    /// Whether the file is being followed (end-of-session checks are not run then).
    public let following: Bool
    /// The smallest and largest `t_us` read so far (`t_us` need not grow: concatenated recordings start again).
    public private(set) var timeRange: ClosedRange<Int64>?

    init(file: SourceFile, following: Bool) {
        self.file = file
        self.following = following
    }

    /// Indexes and validates `path` in one pass: a recording, `-` (standard input) or a pipe (copied to a private
    /// temporary file first), or a log that is imported into a temporary file first.
    ///
    /// With `follow`, a partial last line is left for `refresh()` and the end-of-session checks are not run.
    /// - Throws: `RecordingError` when the file cannot be read or imported.
    public static func load(_ path: String, follow: Bool = false, firstBytes: Int = TimelineSource.firstBytes) throws
        -> TimelineSource
    {
        var file = try SourceFile.open(path)
        var prefix = [UInt8](repeating: 0, count: RecordingInput.sniffBytes)
        let sniffed = try prefix.withUnsafeMutableBytes { try file.read(into: $0, at: 0) }
        prefix.removeSubrange(sniffed...)
        let kind = LogImporter.detect(prefix: prefix, complete: sniffed < RecordingInput.sniffBytes)
        if kind == nil, !RecordingInput.holdsRecordingLines(prefix) {
            throw RecordingError.notARecording(
                path: path,
                detail: "from line 1 on, its first \(sniffed) bytes hold no recording header, frame or event")
        }
        if let kind, kind != .recording {
            // Detail views read events back by offset, so an import gets a file of its own (streamed: memory
            // stays at one item of the log, whatever its size).
            let recordings = try LogImporter.importSource(file.byteSource(), kind: kind, name: path)
            file = try SourceFile.holding(recordings, name: path)
        }
        let source = TimelineSource(file: file, following: follow)
        _ = try source.refresh(maxBytes: firstBytes)
        return source
    }

    /// Reads the rest of the file (what is there now, for a followed one).
    /// - Throws: `RecordingError.cannotRead` when the file shrinks or fails while being read.
    public func readToEnd() throws {
        while !caughtUp { _ = try refresh() }
    }

    /// How much `load` reads before the first screen (the rest comes through `refresh`).
    public static let firstBytes = 4 << 20
    /// How much each `refresh` call reads at most while catching up (keeps the UI responsive and
    /// the transient buffer small).
    public static let chunkBytes = 8 << 20

    /// Whether everything in the file has been read (a followed file can still grow, and its partial last line waits
    /// for the rest).
    public private(set) var caughtUp = false
    /// Whether the index was sized for the whole file (done once, after the first chunk).
    private var reserved = false
    /// How far reading has got, for a progress indicator (0…1).
    public private(set) var progress = 0.0

    /// Reads up to `maxBytes` of lines appended since the last read.
    ///
    /// Only complete lines are read, unless the file has ended and is not followed (then a partial
    /// last line is read and reported). At the end of a file that is not followed, the
    /// end-of-session checks run once. Returns whether anything new arrived.
    ///
    /// - Throws: `RecordingError.cannotRead` naming the file when it fails, or shrinks below what was read (it was
    ///   truncated or rewritten in place; deleting or replacing it by renaming does not matter, see `SourceFile`).
    public func refresh(maxBytes: Int = TimelineSource.chunkBytes) throws -> Bool {
        let size = try file.size()
        guard size >= nextOffset else {
            throw RecordingError.cannotRead(
                path: name,
                reason: "it shrank from \(nextOffset) to \(size) bytes while being read (truncated or rewritten)")
        }
        // Read straight into one array (no Data, no second copy); a line longer than the chunk
        // keeps the read going until it ends.
        var data: [UInt8] = []
        var filled = 0
        repeat {
            let want = min(maxBytes, Int(max(0, size - nextOffset)) - filled)
            guard want > 0 else { break }
            data.append(contentsOf: repeatElement(0, count: want))
            let n = try data.withUnsafeMutableBytes { raw in
                try file.read(
                    into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]), at: nextOffset + Int64(filled))
            }
            guard n > 0 else {
                throw RecordingError.cannotRead(
                    path: name,
                    reason: "it ended at \(nextOffset + Int64(filled)) of \(size) bytes (truncated while being read)")
            }
            filled += n
            data.removeLast(want - n)
        } while lastNewline(data) == nil && nextOffset + Int64(filled) < size
        let atEnd = nextOffset + Int64(filled) >= size
        let take: ArraySlice<UInt8>
        if atEnd, !following {
            take = data[...]  // through the end, an unterminated last line included (the reader reports it)
        } else if let end = lastNewline(data) {
            take = data[...end]
        } else {
            take = []
        }
        let before = index.entries.count + index.issues.count
        if !take.isEmpty {
            var options = RecordingReader.Options()
            options.startLine = nextLine
            options.startOffset = nextOffset
            let bytes = take.count == data.count ? data : Array(take)
            data = []
            let reader = RecordingReader(source: MemorySource(bytes, name: name), options: options)
            try ingest(reader, final: false)
            (nextLine, nextOffset) = (nextLine + reader.linesRead, nextOffset + Int64(take.count))
            reserveForTheRest(size: size)
        }
        let finished = nextOffset >= size
        progress = size > 0 ? Double(nextOffset) / Double(size) : 1
        if finished, !caughtUp, !following { try ingest(nil, final: true) }
        caughtUp = finished || (following && atEnd)  // a followed file's partial last line waits for its end
        return index.entries.count + index.issues.count != before
    }

    /// After the first chunk of a larger file, sizes the index for the whole file (extrapolated, plus 2 %) in one
    /// allocation: growing by doubling would, at its last step, hold the old and the new array at once.
    private func reserveForTheRest(size: Int64) {
        guard !reserved, nextOffset > 0, nextOffset < size else { return }
        reserved = true
        let expected = Double(index.entries.count) * Double(size) / Double(nextOffset) * 1.02
        if expected > Double(index.entries.count) { index.reserveCapacity(Int(expected)) }
    }

    /// Indexes and validates what `reader` yields; with `final`, runs the end-of-session checks.
    private func ingest(_ reader: RecordingReader?, final: Bool) throws {
        var found: [Finding] = []
        // Take the index and the validator out of `self` so they are uniquely referenced while they
        // grow (otherwise the first append of every chunk copies them whole); put them back after.
        var index = self.index
        var validator = self.validator
        var session = self.session
        self.index = RecordingIndex()
        self.validator = nil
        self.session = SessionModelBuilder()
        var (earliest, latest) = (timeRange?.lowerBound ?? .max, timeRange?.upperBound ?? .min)
        defer {
            self.index = index
            self.validator = validator
            self.session = session
            if earliest <= latest { timeRange = earliest...latest }
        }
        var tape: JSONTape?
        try reader?.read { event in
            switch event {
            case .issue(let issue):
                index.append(issue: issue)
                if let finding = ValidationRun.finding(for: issue) { found.append(finding) }
            case .line(let line):
                index.setHeader(reader?.header)
                guard line.kind == .frame, let direction = line.direction, let opcode = line.opcode else { return true }
                index.append(line)
                let t = line.tUs
                (earliest, latest) = (min(earliest, t), max(latest, t))
                if validator == nil {
                    validator = SessionValidator(
                        declaredDialect: reader?.header?.dialect,
                        capture: reader?.header?.source == "import" ? .imported : .complete)
                }
                let input = ValidatorEvent(
                    line: line.number, index: index.entries.count, tUs: line.tUs, direction: direction, opcode: opcode,
                    object: opcode == .text ? line.eventValue(reusing: &tape) : nil)
                if let new = validator?.consume(input) { found += new }
                session.consume(input)
            }
            return true
        }
        if final, let last = validator?.finish() { found += last }
        if !found.isEmpty {
            findings += found
            findingsByLine = Dictionary(grouping: findings, by: \.line)
        }
        rulerCache = nil
    }

    /// The event object of entry `i` (Foundation values, for summaries).
    func event(_ i: Int) -> [String: Any]? { lineBytes(i).flatMap { index.eventObject(at: i, line: $0) } }

    /// The JSON text of entry `i`'s line.
    func lineValue(_ i: Int) -> JSONValue? { lineBytes(i).flatMap { JSONTape.parse($0) } }

    /// The bytes of entry `i`'s line, read back from the file.
    private func lineBytes(_ i: Int) -> [UInt8]? {
        let entry = index.entries[i]
        return file.bytes(at: entry.offset, count: Int(entry.length))
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
        if summaryCache.count > 4096 { summaryCache.removeAll(keepingCapacity: true) }
        summaryCache[i] = text
        return text
    }

    /// Whether the recording has real times (a log imported without timestamps has `t_us` 0 throughout).
    public var hasTiming: Bool { index.header?.imported?.timed != false }

    /// The worst finding severity on entry `i`'s line.
    func severity(_ i: Int) -> Severity? {
        findingsByLine[Int(index.entries[i].line)]?.map(\.severity).max()
    }

    /// Whether entry `i` is "an error" to a user: it has an error-level finding, or it is the server's `error` event
    /// (which the rules report as a warning: rejecting a request is legal protocol).
    func isError(_ i: Int) -> Bool { severity(i) == .error || family(i) == .error }

    /// The event family of entry `i`, for colour.
    func family(_ i: Int) -> EventFamily? { index.type(of: i).flatMap { catalog.spec(for: $0)?.family } }

    /// Whether entry `i` is a delta (its type has a stream in the catalog).
    func isDelta(_ i: Int) -> Bool { index.type(of: i).flatMap { catalog.spec(for: $0)?.stream } != nil }
}

/// One row of the timeline: a single event, a fold of one stream's deltas, or a line the reader
/// could not read (shown with its message, never dropped).
///
/// Kept small (32 bytes, no allocation for a one-event row): a timeline has one per event.
public struct TimelineRow: Sendable, Hashable {
    /// The entry shown (for a fold: its first delta; -1 for an unreadable line).
    public let entry: Int
    /// For a fold: every entry it covers, in order (empty for an unreadable line).
    public let folded: FoldedEntries
    /// Indentation level: 0 session-level, 1 inside a response, 2 inside an item.
    public let depth: Int
    private let issueBox: IssueBox?

    /// The reader's problem with this line, for unreadable lines.
    public var issue: ReaderIssue? { issueBox?.issue }

    public var isFold: Bool { folded.count > 1 }

    init(entry: Int, folded: FoldedEntries, depth: Int, issue: ReaderIssue? = nil) {
        self.entry = entry
        self.folded = folded
        self.depth = depth
        self.issueBox = issue.map(IssueBox.init)
    }

    final class IssueBox: Sendable, Hashable {
        let issue: ReaderIssue
        init(_ issue: ReaderIssue) { self.issue = issue }
        static func == (a: IssueBox, b: IssueBox) -> Bool { a.issue == b.issue }
        func hash(into hasher: inout Hasher) { hasher.combine(issue.line) }
    }
}

/// The entries a row covers: none, one (stored inline), or a fold's many.
public struct FoldedEntries: RandomAccessCollection, Sendable, Hashable, ExpressibleByArrayLiteral {
    private enum Storage: Sendable, Hashable {
        case none
        case one(Int)
        case many([Int])
    }
    private let storage: Storage

    public init(_ entries: [Int]) {
        switch entries.count {
        case 0: storage = .none
        case 1: storage = .one(entries[0])
        default: storage = .many(entries)
        }
    }

    public init(arrayLiteral elements: Int...) { self.init(elements) }

    public var startIndex: Int { 0 }
    public var endIndex: Int {
        switch storage {
        case .none: 0
        case .one: 1
        case .many(let all): all.count
        }
    }

    public subscript(position: Int) -> Int {
        switch storage {
        case .none: preconditionFailure("no entries")
        case .one(let entry): entry
        case .many(let all): all[position]
        }
    }
}

extension TimelineSource {
    /// Builds rows for `entries` (in order).
    ///
    /// With `fold`, each run of delta events becomes one row per stream (type + response + item), placed where the
    /// stream's first delta was.
    public func rows(_ entries: [Int], fold: Bool, issues: [ReaderIssue] = []) -> [TimelineRow] {
        var rows: [TimelineRow] = []
        var issues = issues.filter { $0.severity > .note }[...]
        func issuesBefore(_ line: Int) {
            while let issue = issues.first, issue.line < line {
                rows.append(TimelineRow(entry: -1, folded: [], depth: 0, issue: issue))
                issues = issues.dropFirst()
            }
        }
        var run: [String: Int] = [:]  // stream key → row index, for the current run of deltas
        var pending: [Int: [Int]] = [:]  // row index → folded entries
        func flush() {
            for (row, folded) in pending {
                rows[row] = TimelineRow(entry: folded[0], folded: FoldedEntries(folded), depth: rows[row].depth)
            }
            pending.removeAll()
            run.removeAll()
        }
        for i in entries {
            let entry = index.entries[i]
            if !issues.isEmpty, issues.first.map({ $0.line < Int(entry.line) }) == true {
                flush()
                issuesBefore(Int(entry.line))
            }
            let depth = entry.responseID < 0 ? 0 : (entry.itemID >= 0 && !isResponseLevel(i) ? 2 : 1)
            guard fold, isDelta(i) else {
                flush()
                rows.append(TimelineRow(entry: i, folded: [i], depth: depth))
                continue
            }
            let key = "\(entry.type)|\(entry.responseID)|\(entry.itemID)"
            if let row = run[key] {
                pending[row, default: [rows[row].entry]].append(i)
            } else {
                run[key] = rows.count
                rows.append(TimelineRow(entry: i, folded: [i], depth: depth))
            }
        }
        flush()
        issuesBefore(Int.max)
        return rows
    }

    /// `rows` (built by `rows(_:fold:issues:)` over every entry and issue) extended with what was
    /// read since, without rebuilding the rows that cannot change.
    ///
    /// Folding restarts at every non-delta event, so everything before the last non-delta row is
    /// final; only the rows from there on are rebuilt. Equal to a full rebuild (tested).
    public func extendRows(_ rows: inout [TimelineRow], fold: Bool) {
        guard let restart = rows.lastIndex(where: { $0.entry >= 0 && !isDelta($0.entry) }) else {
            rows = self.rows(Array(index.entries.indices), fold: fold, issues: index.issues)
            return
        }
        let first = rows[restart].entry
        let line = Int(index.entries[first].line)
        let tail = self.rows(
            Array(first..<index.entries.count), fold: fold, issues: index.issues.filter { $0.line > line })
        rows.removeSubrange(restart...)  // in place: the final rows are neither copied nor retained again
        rows.append(contentsOf: tail)
    }

    /// Events that carry the item as an object (`item.id`: output_item.*, conversation.item.*) sit at
    /// the response level; events with a top-level `item_id` (parts, deltas) sit inside the item.
    private func isResponseLevel(_ i: Int) -> Bool {
        guard let type = index.type(of: i), let spec = catalog.spec(for: type) else { return true }
        return !spec.ids.contains { $0.kind == .item && $0.path == "item_id" }
    }
}

extension TimelineSource {

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

/// The index of the last newline in `bytes` (scanning back from the end: lines are short).
func lastNewline(_ bytes: [UInt8]) -> Int? { bytes.lastIndex(of: 0x0A) }
