/// The conversation as it evolves, change by change.
///
/// Every insertion, deletion, truncation, status and text change, in order, each tagged with the frame (0-based
/// ordinal) and line where it happened. `snapshot(throughEvent:)` answers "the conversation as of event N".
///
/// Storage (what bounds memory):
/// - one record per item ever created (ids, type, role, names, its parts' types and audio references: positions,
///   never audio);
/// - text versions: each part's text (or a call's arguments / output) at most `CappedText.limit` bytes; a new version
///   only when an event replaces a text with a different one (a `done` event repeating what the deltas built reuses
///   it);
/// - 24 bytes per change; a text delta is a change only while its part is under the cap (appends past the cap are
///   counted, not logged);
/// - a checkpoint of the replay state every `checkpointEvery` changes, at most one per `4 × items` changes, so
///   checkpoints cost less than the changes they skip.
///
/// Cost of `snapshot(throughEvent:)`: a binary search, a replay of at most `max(checkpointEvery, 4 × items)` changes
/// from the nearest checkpoint, then one copy of each item present (texts as prefixes of their versions). At or
/// after the last change it reads the live state and replays nothing.
///
/// Limits: a part's audio reference and type list are the final ones, not as of N; a text cut at the cap reports
/// `isCut` only from the event on which it reached the cap.
public struct ConversationLog: Sendable {
    /// How many changes lie at least between checkpoints.
    public static let checkpointEvery = 4096

    /// Items by slot (creation order); a slot is never reused.
    var records: [ItemRecord] = []
    /// Text versions (grow by appends until replaced).
    var texts: [CappedText] = []
    var log: [Change] = []
    /// Interned statuses and response ids.
    var strings: [String] = []
    private var stringIDs: [String: Int32] = [:]
    /// The replay state after every change (what the builder reads) and at checkpoints.
    var live = ReplayState()
    private var checkpoints: [(count: Int, state: ReplayState)] = []

    public init() {}

    /// How many items were ever created.
    public var itemsCreated: Int { records.count }

    /// Every change in order (decoded for a reader; the log keeps them compact).
    public var changes: [ConversationChange] {
        log.map { change in
            let id = records[Int(change.slot)].id
            let kind: ConversationChange.Kind
            switch change.op {
            case .inserted: kind = .inserted(item: id)
            case .deleted: kind = .deleted(item: id)
            case .truncated: kind = .truncated(item: id, audioEndMs: change.a < 0 ? nil : Int(change.a))
            case .status: kind = .status(item: id, strings[Int(change.a)])
            case .text: kind = .text(item: id, part: change.part < 0 ? nil : Int(change.part), utf8Bytes: Int(change.b))
            case .opened: kind = .responseOpened(strings[Int(change.a)])
            case .closed: kind = .responseClosed(strings[Int(change.a)])
            }
            return ConversationChange(event: Int(change.event), line: Int(change.line), kind: kind)
        }
    }

    /// The conversation right after frame `n` (0-based ordinal among frames) was applied.
    ///
    /// With `tail`, only the last `tail` items present are made (a view showing the end of a long conversation need
    /// not copy every item); `count` still says how many are present.
    public func snapshot(throughEvent n: Int, tail: Int = .max) -> ConversationSnapshot {
        // The number of changes made by events up to n.
        var low = 0
        var high = log.count
        while low < high {
            let mid = (low + high) / 2
            if Int(log[mid].event) <= n { low = mid + 1 } else { high = mid }
        }
        let count = low
        if count == log.count { return materialize(live, through: n, tail: tail) }
        var state = ReplayState()
        var start = 0
        if let k = checkpoints.lastIndex(where: { $0.count <= count }) {
            (start, state) = checkpoints[k]
        }
        for change in log[start..<count] { state.apply(change, records) }
        return materialize(state, through: n, tail: tail)
    }

    /// The items present in `state`, with texts as their recorded lengths.
    private func materialize(_ state: ReplayState, through n: Int, tail: Int) -> ConversationSnapshot {
        var out = ConversationSnapshot()
        out.count = state.order.count
        let shown = state.order.suffix(max(0, tail))
        out.items.reserveCapacity(shown.count)
        for slot in shown {
            let record = records[Int(slot)]
            var item = ConversationItem(
                id: record.id, type: record.type, role: record.role,
                status: state.status[Int(slot)] < 0 ? "" : strings[Int(state.status[Int(slot)])],
                created: record.created)
            item.previousItemID = record.previous
            item.name = record.name
            item.callID = record.callID
            let truncated = state.truncated[Int(slot)]
            item.truncatedAtMs = truncated == ReplayState.none ? nil : truncated < 0 ? nil : Int(truncated)
            let partTexts = state.parts[Int(slot)]
            for part in record.parts where part.addedEvent <= n {
                var shown = ContentPart(
                    index: part.index, type: part.type, listed: part.listed && part.listedEvent <= n, text: nil,
                    audio: part.audio)
                if let t = partTexts.first(where: { $0.part == Int16(part.index) }) {
                    shown.text = texts[Int(t.version)].prefix(bytes: Int(t.length))
                }
                item.parts.append(shown)
            }
            if let t = partTexts.first(where: { $0.part == ReplayState.body }) {
                item.body = texts[Int(t.version)].prefix(bytes: Int(t.length))
            }
            out.items.append(item)
        }
        out.openResponses = state.open.map { strings[Int($0)] }
        return out
    }

    // MARK: - Recording changes (the builder)

    mutating func intern(_ s: String) -> Int32 {
        if let known = stringIDs[s] { return known }
        let id = Int32(strings.count)
        strings.append(s)
        stringIDs[s] = id
        return id
    }

    /// Logs `change` and applies it to the live state; takes a checkpoint when due.
    mutating func record(_ change: Change) {
        log.append(change)
        live.apply(change, records)
        let since = log.count - (checkpoints.last?.count ?? 0)
        if since >= max(Self.checkpointEvery, 4 * records.count) { checkpoints.append((log.count, live)) }
    }
}

/// One change of the conversation, as `ConversationLog.changes` lists it.
public struct ConversationChange: Sendable, Hashable {
    /// The frame (0-based ordinal) and its 1-based JSONL line.
    public let event: Int
    public let line: Int
    public let kind: Kind

    public init(event: Int, line: Int, kind: Kind) {
        self.event = event
        self.line = line
        self.kind = kind
    }

    public enum Kind: Sendable, Hashable {
        case inserted(item: String)
        case deleted(item: String)
        case truncated(item: String, audioEndMs: Int?)
        case status(item: String, String)
        /// A part's text (nil part: a call's arguments or output) now has this many UTF-8 bytes.
        case text(item: String, part: Int?, utf8Bytes: Int)
        case responseOpened(String)
        case responseClosed(String)
    }
}

/// What an item's record keeps for its whole life.
struct ItemRecord: Sendable {
    let id: String
    var type: String
    var role: String
    let previous: String?
    var name: String?
    var callID: String?
    let created: Moment
    var parts: [PartRecord] = []
}

struct PartRecord: Sendable {
    let index: Int
    var type: String
    var listed: Bool
    /// The frame that first showed the part, and the one that first listed it in an item's content.
    let addedEvent: Int
    var listedEvent: Int
    var audio: AudioReference?
}

/// One logged change (24 bytes): `a` and `b` depend on `op`.
struct Change: Sendable {
    enum Op: UInt8, Sendable {
        /// a: the slot to insert after (`afterRoot` at the start, `atEnd` at the end).
        case inserted
        case deleted
        /// a: audio_end_ms (-1: not given).
        case truncated
        /// a: interned status.
        case status
        /// a: text version, b: its UTF-8 length now.
        case text
        /// a: interned response id.
        case opened
        case closed
    }
    static let afterRoot: Int32 = -1
    static let atEnd: Int32 = -2

    let event: Int32
    let line: Int32
    let slot: Int32
    let a: Int32
    let b: Int32
    let part: Int16
    let op: Op

    init(_ op: Op, event: Int32, line: Int32, slot: Int32, part: Int16 = 0, a: Int32 = 0, b: Int32 = 0) {
        self.op = op
        self.event = event
        self.line = line
        self.slot = slot
        self.part = part
        self.a = a
        self.b = b
    }
}

/// The conversation's state in slots: what a replay of the log up to some change gives.
struct ReplayState: Sendable {
    /// The part number of a call's arguments or output.
    static let body: Int16 = -1
    /// "Not truncated".
    static let none = Int32.min

    /// Slots present, in conversation order.
    var order: [Int32] = []
    /// By slot: interned status (-1: none), truncation (`none`, -1 without a time), part texts.
    var status: [Int32] = []
    var truncated: [Int32] = []
    var parts: [[PartText]] = []
    var open: [Int32] = []
    /// By slot: whether it is in `order`.
    var isPresent: [Bool] = []

    struct PartText: Sendable {
        let part: Int16
        var version: Int32
        var length: Int32
    }

    func present(_ slot: Int32) -> Bool { Int(slot) < isPresent.count && isPresent[Int(slot)] }

    func text(_ slot: Int32, _ part: Int16) -> PartText? {
        Int(slot) < parts.count ? parts[Int(slot)].first { $0.part == part } : nil
    }

    mutating func apply(_ change: Change, _ records: [ItemRecord]) {
        let slot = Int(change.slot)
        while status.count < records.count {
            status.append(-1)
            truncated.append(Self.none)
            parts.append([])
            isPresent.append(false)
        }
        switch change.op {
        case .inserted:
            isPresent[slot] = true
            if change.a == Change.afterRoot {
                order.insert(change.slot, at: 0)
            } else if change.a >= 0, let k = order.lastIndex(of: change.a) {
                order.insert(change.slot, at: k + 1)
            } else {
                order.append(change.slot)
            }
        case .deleted:
            isPresent[slot] = false
            if let k = order.lastIndex(of: change.slot) { order.remove(at: k) }
        case .truncated:
            truncated[slot] = change.a
            parts[slot].removeAll()  // the server drops the transcript of a truncated item
        case .status: status[slot] = change.a
        case .text:
            if let k = parts[slot].firstIndex(where: { $0.part == change.part }) {
                parts[slot][k].version = change.a
                parts[slot][k].length = change.b
            } else {
                parts[slot].append(PartText(part: change.part, version: change.a, length: change.b))
            }
        case .opened: if !open.contains(change.a) { open.append(change.a) }
        case .closed: open.removeAll { $0 == change.a }
        }
    }
}
