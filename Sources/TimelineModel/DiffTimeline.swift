import RealtimeProtocol
public import RealtimeRecording
public import RealtimeSession
import RealtimeValidation

/// How an aligned row of `rtscope view A --diff B` compares.
public enum DiffMark: String, Sendable, Hashable {
    /// Both sides hold the row and no difference of the diff lands on it.
    case same
    /// Both sides hold the row and a difference of the diff lands on it (its classes say which).
    case changed
    /// Only A holds the row (B shows a blank row).
    case onlyA
    /// Only B holds the row (A shows a blank row).
    case onlyB
}

/// One row of the side-by-side timeline: a timeline row of A, of B, or of both, with its mark and the classes of
/// difference (`SessionDiff`'s) that land on it.
public struct DiffTimelineRow: Sendable, Hashable {
    public let a: TimelineRow?
    public let b: TimelineRow?
    public let mark: DiffMark
    /// Sorted, without repeats; empty for a `same` row (and for a gap outside responses, which the diff does not
    /// compare: client events and session events between responses).
    public let classes: [DiffClass]
    /// The 1-based position of the aligned response pair the row belongs to (as `DiffEntry.response`), nil between
    /// responses.
    public let response: Int?
}

/// Two recordings side by side, aligned the way `rtscope diff` aligns them, and marked with its differences.
///
/// Alignment: each side is cut into blocks — the events before the first response, response 1, the events between
/// response 1 and 2, response 2, … — and blocks are paired in order, the k-th response of A with the k-th of B as
/// in `SessionDiff` (events of no response that arrive while a response runs are shown after it). Within a pair of
/// blocks, rows (deltas folded, as in `view`) are aligned by their canonical event type and direction with
/// `SequenceDiff` (the diff's own LCS), runs of one type compressed first so thousands of audio appends stay cheap;
/// a row one side lacks faces a blank row.
///
/// Marks come from the diff, never from a second comparison: a response's `structure` entry marks its gap rows and,
/// for output items, its item and part rows; `status` its `response.done` (and `response.created` for modalities,
/// server `error` rows for errors); `tools` the rows of the call it names (by the call's item id); `text` the text
/// or transcript rows; `findings` the rows whose line has a finding whose rule is new or resolved. Latency and
/// usage are session-wide: they are in the summary, not on rows.
///
/// Cost: reading both sources' events once by offset to build each side's digest (memory: the digest's text); rows
/// are as many as the two timelines' rows.
public struct DiffTimeline {
    public let a: TimelineSource
    public let b: TimelineSource
    public let diff: SessionDiff
    public let rows: [DiffTimelineRow]

    /// Aligns `a` (the baseline) with `b`; both should be read to the end (`readToEnd()`).
    public init(a: TimelineSource, b: TimelineSource) {
        self.a = a
        self.b = b
        let sideA = Self.side(a)
        let sideB = Self.side(b)
        let diff = SessionDiff(sideA, sideB)
        self.diff = diff
        let blocksA = Blocks(a, sideA.digest)
        let blocksB = Blocks(b, sideB.digest)
        let marker = Marker(diff: diff, a: (a, sideA.digest), b: (b, sideB.digest))
        var rows: [DiffTimelineRow] = []
        let keys = [blocksA.entries.keys.max(), blocksA.issues.keys.max(), blocksB.entries.keys.max()]
        let last = (keys + [blocksB.issues.keys.max()]).compactMap { $0 }.max() ?? 0
        for block in 0...last {
            let response = block % 2 == 1 ? block / 2 + 1 : nil
            let rowsA = a.rows(blocksA.entries[block] ?? [], fold: true, issues: blocksA.issues[block] ?? [])
            let rowsB = b.rows(blocksB.entries[block] ?? [], fold: true, issues: blocksB.issues[block] ?? [])
            for (ra, rb) in Self.align(rowsA, a, rowsB, b) {
                rows.append(marker.row(ra, rb, response: response))
            }
        }
        self.rows = rows
    }

    /// What the diff reads of one side, from the source's index, findings and session model, and its events read by
    /// offset (the same decoded events `DiffSide.load` gives the digest).
    public static func side(_ source: TimelineSource) -> DiffSide {
        var digest = SessionDigestBuilder()
        let entries = source.index.entries
        for i in entries.indices where entries[i].direction == .serverToClient && entries[i].opcode == .text {
            let e = entries[i]
            let object = source.lineValue(i).flatMap { $0["event"] }
            digest.consume(
                ValidatorEvent(
                    line: Int(e.line), index: i, tUs: e.tUs, direction: e.direction, opcode: e.opcode, object: object))
        }
        return DiffSide(
            path: source.name, model: source.sessionModel, digest: digest.finish(),
            findings: source.findingLog.rules)
    }

    /// The key rows are aligned by: direction and canonical type (an unreadable line: its own key).
    static func key(_ row: TimelineRow, _ source: TimelineSource) -> String {
        guard row.entry >= 0 else { return "!unreadable" }
        let entry = source.index.entries[row.entry]
        let type = source.index.type(of: row.entry).map { source.catalog.canonicalName(of: $0) }
        return entry.direction.rawValue + " " + (type ?? "[\(entry.opcode.rawValue)]")
    }

    /// Pairs two blocks' rows: runs of one key are aligned as one element (LCS over the runs), then paired in order
    /// within a run, the longer run's rest facing blanks.
    static func align(_ ra: [TimelineRow], _ sa: TimelineSource, _ rb: [TimelineRow], _ sb: TimelineSource)
        -> [(TimelineRow?, TimelineRow?)]
    {
        let runsA = runs(ra.map { key($0, sa) })
        let runsB = runs(rb.map { key($0, sb) })
        var out: [(TimelineRow?, TimelineRow?)] = []
        var (i, j, rowA, rowB) = (0, 0, 0, 0)
        func take(_ countA: Int, _ countB: Int) {
            for k in 0..<max(countA, countB) {
                out.append((k < countA ? ra[rowA + k] : nil, k < countB ? rb[rowB + k] : nil))
            }
            rowA += countA
            rowB += countB
        }
        if runsA.count > SequenceDiff.limit || runsB.count > SequenceDiff.limit {
            // Beyond the LCS limit: paired by position (still every row shown once).
            take(ra.count, rb.count)
            return out
        }
        for step in SequenceDiff.align(runsA.map(\.key), runsB.map(\.key)) {
            switch step {
            case .same:
                let (na, nb) = (runsA[i].count, runsB[j].count)
                take(min(na, nb), min(na, nb))
                if na > nb { take(na - nb, 0) }
                if nb > na { take(0, nb - na) }
                (i, j) = (i + 1, j + 1)
            case .removed:
                take(runsA[i].count, 0)
                i += 1
            case .added:
                take(0, runsB[j].count)
                j += 1
            }
        }
        return out
    }

    static func runs(_ keys: [String]) -> [(key: String, count: Int)] {
        var out: [(key: String, count: Int)] = []
        for key in keys {
            if out.last?.key == key { out[out.count - 1].count += 1 } else { out.append((key, 1)) }
        }
        return out
    }
}

/// One side's entries (and unreadable lines) cut into blocks: 2k the events before response k+1 (after response k
/// started), 2k+1 response k+1's events.
struct Blocks {
    var entries: [Int: [Int]] = [:]
    var issues: [Int: [ReaderIssue]] = [:]

    init(_ source: TimelineSource, _ digest: SessionDigest) {
        var position: [String: Int] = [:]
        for (k, r) in digest.responses.enumerated() where position[r.id] == nil { position[r.id] = k }
        let index = source.index
        var started = 0
        var blockOfEntry: [Int] = []
        blockOfEntry.reserveCapacity(index.entries.count)
        for i in index.entries.indices {
            let block: Int
            if let id = index.string(index.entries[i].responseID), let k = position[id] {
                started = max(started, k + 1)
                block = 2 * k + 1
            } else {
                block = 2 * started
            }
            entries[block, default: []].append(i)
            blockOfEntry.append(block)
        }
        // An unreadable line goes with the event after it (the last block when none follows).
        for issue in index.issues where issue.severity > .note {
            var low = 0
            var high = index.entries.count
            while low < high {
                let mid = (low + high) / 2
                if Int(index.entries[mid].line) < issue.line { low = mid + 1 } else { high = mid }
            }
            let block = low < blockOfEntry.count ? blockOfEntry[low] : (blockOfEntry.last ?? 0)
            issues[block, default: []].append(issue)
        }
    }
}

/// Puts `SessionDiff`'s entries on aligned rows (the rules are in `DiffTimeline`'s documentation).
///
/// Tool entries are matched to rows through their subject, `call N …` as `SessionDiff.tools` names it (N counts the
/// response's function calls from 1), and the N-th call's item id on each side.
struct Marker {
    typealias Side = (source: TimelineSource, digest: SessionDigest)
    let a: Side
    let b: Side
    private let byResponse: [Int: [DiffEntry]]
    /// Rule ids new in B or resolved since A.
    private let rules: Set<String>
    private let errorsDiffer: Bool

    init(diff: SessionDiff, a: Side, b: Side) {
        self.a = a
        self.b = b
        byResponse = Dictionary(grouping: diff.entries.filter { $0.response != nil }) { $0.response ?? 0 }
        rules = Set(diff.entries(.findings).map(\.subject))
        errorsDiffer = diff.entries(.status).contains { $0.response == nil && $0.subject == "server errors" }
    }

    func row(_ ra: TimelineRow?, _ rb: TimelineRow?, response: Int?) -> DiffTimelineRow {
        var classes = Set<DiffClass>()
        if let ra { classes.formUnion(self.classes(ra, a, response: response)) }
        if let rb { classes.formUnion(self.classes(rb, b, response: response)) }
        let mark: DiffMark = ra == nil ? .onlyB : rb == nil ? .onlyA : classes.isEmpty ? .same : .changed
        if ra == nil || rb == nil, let response,
            byResponse[response]?.contains(where: { $0.kind == .structure }) == true
        {
            classes.insert(.structure)
        }
        return DiffTimelineRow(a: ra, b: rb, mark: mark, classes: classes.sorted(), response: response)
    }

    private func classes(_ row: TimelineRow, _ side: Side, response: Int?) -> Set<DiffClass> {
        var out = Set<DiffClass>()
        let source = side.source
        if !rules.isEmpty {
            let lines = row.entry >= 0 ? row.folded.map { Int(source.index.entries[$0].line) } : [row.issue?.line ?? -1]
            if lines.contains(where: { line in
                source.findingLog.positions(line: line).contains { rules.contains(source.findingLog.rule(at: $0)) }
            }) {
                out.insert(.findings)
            }
        }
        guard row.entry >= 0, let raw = source.index.type(of: row.entry) else { return out }
        let type = source.catalog.canonicalName(of: raw)
        if errorsDiffer, type == "error" { out.insert(.status) }
        guard let response, let entries = byResponse[response] else { return out }
        for entry in entries where applies(entry, type: type, row: row, side: side, response: response) {
            out.insert(entry.kind)
        }
        return out
    }

    private func applies(_ entry: DiffEntry, type: String, row: TimelineRow, side: Side, response: Int) -> Bool {
        switch (entry.kind, entry.subject) {
        case (.structure, "output items"):
            return type.hasPrefix("response.output_item.") || type.hasPrefix("response.content_part.")
        case (.status, "status"): return type == "response.done"
        case (.status, "modalities"): return type == "response.created"
        case (.text, "text"): return type == "response.text.delta" || type == "response.text.done"
        case (.text, "transcript"):
            return type == "response.audio_transcript.delta" || type == "response.audio_transcript.done"
        case (.tools, let subject):
            guard let n = Self.callNumber(subject), side.digest.responses.indices.contains(response - 1) else {
                return false
            }
            let calls = side.digest.responses[response - 1].outputs.filter { $0.type == "function_call" }
            guard calls.indices.contains(n - 1), let item = calls[n - 1].itemID else { return false }
            return side.source.index.string(side.source.index.entries[row.entry].itemID) == item
        default: return false
        }
    }

    /// N in a tool entry's subject `call N …`.
    static func callNumber(_ subject: String) -> Int? {
        let words = subject.split(separator: " ")
        guard words.count >= 2, words[0] == "call" else { return nil }
        return Int(words[1])
    }
}
