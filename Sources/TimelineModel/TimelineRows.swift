import RealtimeProtocol
public import RealtimeRecording

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
