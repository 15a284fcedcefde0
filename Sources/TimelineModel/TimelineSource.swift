import Foundation
import RealtimeProtocol
public import RealtimeRecording
public import RealtimeSession
public import RealtimeValidation

/// The timeline's model of a recording, built in one pass over an `EventStore`: the per-line index, the
/// validator's findings and the session model (from the same decoded events), plus what rows and the ruler need.
///
/// It never opens files (`FileEventStore.recording` and `TimelineSource.load` do); it reads its store in chunks
/// while indexing, and by offset only when a key press asks for an event (a summary, the detail pane), never while a
/// screen is drawn (widgets draw a `TimelineFrame`). The conversation pane reads the session model, not events.
///
/// Memory: the index (48 bytes per frame plus interned ids), 4 bytes per frame for fold summaries, the findings (about
/// 30 bytes each, `CompactFindings`) and the session model (no payloads); decoded events and summaries live in small bounded caches.
public final class TimelineSource {
    /// The recording's bytes: a file (held open for the source's life) or memory (tests).
    public let store: any EventStore
    /// The recording the user named (what the title shows).
    public var name: String { store.name }
    public private(set) var index = RecordingIndex()
    /// The validator's findings, compact (a few dozen bytes each; see `CompactFindings`): decoded one line at a time
    /// when a screen or a key needs them.
    public private(set) var findingLog = CompactFindings()
    /// Every finding, in the order the validator made them (decoded whole: tests and small files).
    public var findings: [Finding] { findingLog.all }
    /// The findings on one JSONL line, in the order the validator made them.
    public func findings(line: Int) -> [Finding] { findingLog.findings(line: line) }
    /// Error- and warning-level findings (for the header).
    public var errorCount: Int { findingLog.errors }
    public var warningCount: Int { findingLog.warnings }
    /// Events sent by the client (counted while indexing, for the header).
    public private(set) var sentCount = 0
    /// For each entry, the length of an audio delta's base64 payload (0 for other events): fold summaries add these
    /// instead of decoding every folded delta.
    private(set) var audioLengths: [Int32] = []
    let catalog = EventCatalog.standard
    /// Caches filled by event reads (see TimelineSource+Events.swift); bounded.
    var summaryCache: [Int: String] = [:]
    var foldCache: [FoldKey: String] = [:]
    var decodedCache: [Int: JSONValue] = [:]
    var detailCache: (entry: Int, lines: [[TimelineFrame.StyledText]])?
    var conversationCache: (entry: Int, state: ConversationSnapshot)?
    var rulerCache: (width: Int, marks: [Character])?
    /// The validator, kept across refreshes while following a growing file.
    private var validator: SessionValidator?
    /// The session model, built from the same events as the validator (no audio chunks kept; the conversation kept).
    private var session = SessionModelBuilder(keepsAudioChunks: false, keepsConversation: true)
    /// Canonical audio delta fields by a hash of the event type's bytes (nil: not an audio delta).
    private var audioFields: [UInt64: String?] = [:]

    /// The session as read so far: responses, turns, tool calls, barge-ins and their metrics.
    public var sessionModel: SessionModel { session.finish(header: index.header) }
    /// The conversation as read so far (the session model's, without copying the rest of the model).
    var conversationLog: ConversationLog { session.conversationLog }
    /// Where the next refresh starts reading: after the last complete line.
    private var nextOffset: Int64 = 0
    private var nextLine = 0
    /// Whether the store is being followed (end-of-session checks are not run then).
    public let following: Bool
    /// The smallest and largest `t_us` read so far (`t_us` need not grow: concatenated recordings start again).
    public private(set) var timeRange: ClosedRange<Int64>?

    /// A source over `store`, with its first `firstBytes` indexed and validated (the rest comes through `refresh`).
    ///
    /// With `following`, a partial last line is left for `refresh()` and the end-of-session checks are not run.
    /// - Throws: `RecordingError.cannotRead` when the store fails.
    public init(store: any EventStore, following: Bool = false, firstBytes: Int = TimelineSource.firstBytes) throws {
        self.store = store
        self.following = following
        _ = try refresh(maxBytes: firstBytes)
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
    ///   truncated or rewritten in place; deleting or replacing it by renaming does not matter, see `FileEventStore`).
    public func refresh(maxBytes: Int = TimelineSource.chunkBytes) throws -> Bool {
        let size = try store.size()
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
                try store.read(
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
        let take: Int
        if atEnd, !following {
            take = data.count  // through the end, an unterminated last line included (the reader reports it)
        } else if let end = lastNewline(data) {
            take = end + 1
        } else {
            take = 0
        }
        let before = index.entries.count + index.issues.count
        if take > 0 {
            var options = RecordingReader.Options()
            options.startLine = nextLine
            options.startOffset = nextOffset
            // Cut in place, not copied: a copy of the chunk's lines next to the chunk was 8 MiB more at the peak.
            data.removeLast(data.count - take)
            let bytes = data
            data = []
            let reader = RecordingReader(source: MemorySource(bytes, name: name), options: options)
            try ingest(reader, final: false)
            (nextLine, nextOffset) = (nextLine + reader.linesRead, nextOffset + Int64(take))
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
        let scale = Double(size) / Double(nextOffset) * 1.02
        let expected = Double(index.entries.count) * scale
        if expected > Double(index.entries.count) {
            index.reserveCapacity(Int(expected))
            audioLengths.reserveCapacity(Int(expected))
        }
        // The findings too (a file where most events have one holds hundreds of thousands).
        if scale > 1, !findingLog.isEmpty {
            findingLog.reserveCapacity(
                findings: Int(Double(findingLog.count) * (scale - 1)),
                textBytes: Int(Double(findingLog.textBytes) * (scale - 1)))
        }
    }

    /// Indexes and validates what `reader` yields; with `final`, runs the end-of-session checks.
    private func ingest(_ reader: RecordingReader?, final: Bool) throws {
        // Take the index, the findings and the validator out of `self` so they are uniquely referenced while they
        // grow (otherwise the first append of every chunk copies them whole); put them back after.
        var found = self.findingLog
        var index = self.index
        var validator = self.validator
        var session = self.session
        var audioLengths = self.audioLengths
        self.index = RecordingIndex()
        self.findingLog = CompactFindings()
        self.validator = nil
        self.session = SessionModelBuilder(keepsConversation: true)
        self.audioLengths = []
        var (earliest, latest) = (timeRange?.lowerBound ?? .max, timeRange?.upperBound ?? .min)
        defer {
            found.seal()
            self.findingLog = found
            self.index = index
            self.validator = validator
            self.session = session
            self.audioLengths = audioLengths
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
                if direction == .clientToServer { sentCount += 1 }
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
                if let new = validator?.consume(input) { for finding in new { found.append(finding) } }
                session.consume(input)
                audioLengths.append(input.object.map(audioLength) ?? 0)
            }
            return true
        }
        if final, let last = validator?.finish() { for finding in last { found.append(finding) } }
        rulerCache = nil
    }

    /// The length of an audio delta's payload as its decoded string's UTF-8 count (what a fold summary adds up);
    /// 0 for any other event.
    private func audioLength(_ event: JSONValue) -> Int32 {
        guard let type = event["type"] else { return 0 }
        let field: String?
        if let known = audioFields[type.bytesHash] {
            field = known
        } else {
            let stream = type.string.flatMap { catalog.spec(for: $0)?.stream }
            field = stream?.payload == .audio ? stream?.deltaField : nil
            audioFields[type.bytesHash] = field
        }
        guard let field, let delta = event[field], delta.kind == .string else { return 0 }
        return Int32(clamping: delta.isEscapedString ? (delta.string?.utf8.count ?? 0) : delta.byteCount)
    }

    /// Whether the recording has real times (a log imported without timestamps has `t_us` 0 throughout).
    public var hasTiming: Bool { index.header?.imported?.timed != false }

    /// The worst finding severity on entry `i`'s line.
    func severity(_ i: Int) -> Severity? {
        findingLog.worstSeverity(line: Int(index.entries[i].line))
    }

    /// Whether entry `i` is "an error" to a user: it has an error-level finding, or it is the server's `error` event
    /// (which the rules report as a warning: rejecting a request is legal protocol).
    func isError(_ i: Int) -> Bool { severity(i) == .error || family(i) == .error }

    /// The event family of entry `i`, for colour.
    func family(_ i: Int) -> EventFamily? { index.type(of: i).flatMap { catalog.spec(for: $0)?.family } }

    /// Whether entry `i` is a delta (its type has a stream in the catalog).
    func isDelta(_ i: Int) -> Bool { index.type(of: i).flatMap { catalog.spec(for: $0)?.stream } != nil }
}

/// The index of the last newline in `bytes` (scanning back from the end: lines are short).
func lastNewline(_ bytes: [UInt8]) -> Int? { bytes.lastIndex(of: 0x0A) }
