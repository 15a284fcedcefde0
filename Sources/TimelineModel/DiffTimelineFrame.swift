import RealtimeProtocol
import RealtimeRecording
public import RealtimeSession
import RealtimeValidation

/// Everything one screen of the side-by-side timeline shows, as values (no store, no index): what
/// `DiffTimelineView.render` draws, so drawing cannot read a recording.
///
/// Text in it may come from the recordings (names, types, summaries, JSON); `ScreenBuffer.put` escapes it when drawn.
public struct DiffFrame: Sendable {
    public let state: DiffTimelineState
    public let nameA: String
    public let nameB: String
    /// `DiffRenderer.summary`: one verdict per class.
    public let summary: String
    public let rowCount: Int
    public let differenceCount: Int
    public let listHeight: Int
    /// The rows from `state.top` on, as many as fit.
    public let lines: [Line]
    public let detail: Detail?

    /// One side of a row: what the plain timeline's list shows for it.
    public struct Side: Sendable {
        /// `→`/`←` and the event type (`type ×N` for a fold), or `!` for an unreadable line.
        public let label: String
        public let summary: String
        public let error: Bool
    }

    /// One aligned row.
    public struct Line: Sendable {
        public let selected: Bool
        public let mark: DiffMark
        public let classes: [DiffClass]
        public let response: Int?
        public let a: Side?
        public let b: Side?
    }

    /// The detail pane: what the diff says about the row, the fields that differ, and both events' JSON.
    public struct Detail: Sendable {
        public let title: String
        /// The diff's entries that land on the row, and the differing fields, one line each.
        public let differences: [String]
        public let titleA: String
        public let titleB: String
        public let jsonA: [[TimelineFrame.StyledText]]
        public let jsonB: [[TimelineFrame.StyledText]]
    }

    static func listHeight(_ state: DiffTimelineState) -> Int {
        let room = max(1, state.height - 4)
        return state.showDetail ? max(1, room * 2 / 5) : room
    }

    static func empty(_ state: DiffTimelineState) -> DiffFrame {
        DiffFrame(
            state: state, nameA: "", nameB: "", summary: "", rowCount: 0, differenceCount: 0, listHeight: 1,
            lines: [], detail: nil)
    }
}

extension DiffTimelineModel {
    func makeFrame() -> DiffFrame {
        let height = listHeight
        var lines: [DiffFrame.Line] = []
        for row in state.top..<min(rows.count, state.top + height) {
            let r = rows[row]
            lines.append(
                DiffFrame.Line(
                    selected: row == state.cursor, mark: r.mark, classes: r.classes, response: r.response,
                    a: r.a.map { Self.side($0, timeline.a) }, b: r.b.map { Self.side($0, timeline.b) }))
        }
        return DiffFrame(
            state: state, nameA: timeline.a.name, nameB: timeline.b.name, summary: DiffRenderer.summary(timeline.diff),
            rowCount: rows.count, differenceCount: differences.count, listHeight: height, lines: lines,
            detail: state.showDetail && rows.indices.contains(state.cursor) ? detail(rows[state.cursor]) : nil)
    }

    static func side(_ row: TimelineRow, _ source: TimelineSource) -> DiffFrame.Side {
        if let issue = row.issue {
            return DiffFrame.Side(label: "! line \(issue.line)", summary: issue.message, error: true)
        }
        let entry = source.index.entries[row.entry]
        let type = source.index.type(of: row.entry) ?? "[\(entry.opcode.rawValue)]"
        return DiffFrame.Side(
            label: entry.direction.arrow + " " + (row.isFold ? "\(type) ×\(row.folded.count)" : type),
            summary: row.isFold ? source.foldSummary(row) : source.summary(row.entry),
            error: row.folded.contains { source.isError($0) })
    }

    func detail(_ row: DiffTimelineRow) -> DiffFrame.Detail {
        let place = row.response.map { "response \($0)" } ?? "between responses"
        var differences = timeline.diff.entries.filter { $0.response == row.response && row.classes.contains($0.kind) }
            .map { e in "\(e.kind.rawValue): \(e.subject): \(e.a ?? "-") | \(e.b ?? "-")" }
        if row.classes.contains(.findings) {
            for (name, side, source) in [("A", row.a, timeline.a), ("B", row.b, timeline.b)] {
                guard let side, side.entry >= 0 else { continue }
                let lines = side.folded.map { Int(source.index.entries[$0].line) }
                for finding in lines.flatMap({ source.findings(line: $0) }) {
                    differences.append("findings in \(name): \(finding.rule): \(finding.message)")
                }
            }
        }
        let eventA = row.a.flatMap { $0.entry >= 0 ? timeline.a.lineValue($0.entry)?["event"] : nil }
        let eventB = row.b.flatMap { $0.entry >= 0 ? timeline.b.lineValue($0.entry)?["event"] : nil }
        if let eventA, let eventB { differences += FieldDiff.lines(eventA, eventB) }
        return DiffFrame.Detail(
            title: "── \(Self.markWord(row.mark)) · \(place)"
                + (row.classes.isEmpty ? "" : " · " + row.classes.map(\.rawValue).joined(separator: ", ")) + " ",
            differences: differences,
            titleA: row.a.map { Self.sideTitle("A", $0, timeline.a) } ?? "A: no such event",
            titleB: row.b.map { Self.sideTitle("B", $0, timeline.b) } ?? "B: no such event",
            jsonA: row.a.map { $0.entry >= 0 ? timeline.a.detailLines($0.entry) : [] } ?? [],
            jsonB: row.b.map { $0.entry >= 0 ? timeline.b.detailLines($0.entry) : [] } ?? [])
    }

    static func sideTitle(_ name: String, _ row: TimelineRow, _ source: TimelineSource) -> String {
        if let issue = row.issue { return "\(name): line \(issue.line) (unreadable)" }
        let line = source.index.entries[row.entry].line
        return "\(name): line \(line)" + (row.isFold ? " (first of \(row.folded.count) deltas)" : "")
    }
}

/// The fields of two events that differ, path by path: `path: a → b`.
///
/// Ids (`event_id`, `id`, `*_id`) differ between any two runs; they are counted on one line, not listed. Values are
/// shown cut to `cut` characters (audio payloads are long), from a little before where two long values part; they are
/// compared whole.
enum FieldDiff {
    static let cut = 60
    /// At most this many fields are listed (then "… and N more").
    static let limit = 40

    static func lines(_ a: JSONValue, _ b: JSONValue) -> [String] {
        var fieldsA: [(String, String)] = []
        var fieldsB: [(String, String)] = []
        leaves(a, "", into: &fieldsA)
        leaves(b, "", into: &fieldsB)
        let valuesA = Dictionary(fieldsA, uniquingKeysWith: { first, _ in first })
        let valuesB = Dictionary(fieldsB, uniquingKeysWith: { first, _ in first })
        var paths = fieldsA.map(\.0)
        let known = Set(paths)
        paths += fieldsB.map(\.0).filter { !known.contains($0) }
        var out: [String] = []
        var ids = 0
        for path in paths where valuesA[path] != valuesB[path] {
            let last = path.split(separator: ".").last.map(String.init) ?? path
            if last == "id" || last.hasSuffix("_id") {
                ids += 1
                continue
            }
            let (a, b) = (valuesA[path], valuesB[path])
            // Long values that start alike are shown from a little before where they part.
            let common = a.flatMap { a in b.map { b in zip(a, b).prefix { $0 == $1 }.count } } ?? 0
            let skip = max(0, common - 20)
            out.append("field \(path): \(shown(a, skipping: skip)) → \(shown(b, skipping: skip))")
        }
        if out.count > limit { out = Array(out.prefix(limit)) + ["… and \(out.count - limit) more fields"] }
        if ids > 0 { out.append("\(ids) id field\(ids == 1 ? "" : "s") differ (ids are new in every run)") }
        if out.isEmpty { out.append("no field differs") }
        return out
    }

    static func shown(_ value: String?, skipping skip: Int = 0) -> String {
        guard let value else { return "(absent)" }
        let rest = skip > 0 ? "…" + value.dropFirst(skip) : value
        return rest.count > cut ? String(rest.prefix(cut)) + "…" : rest
    }

    /// Every leaf (and empty container) of `value` with its path (`a.b[2].c`) and JSON text.
    static func leaves(_ value: JSONValue, _ path: String, into out: inout [(String, String)]) {
        let children = value.children
        if (value.isObject || value.isArray) && !children.isEmpty {
            for (k, child) in children.enumerated() {
                let step = value.isObject ? (child.key ?? "?") : "[\(k)]"
                leaves(child, path.isEmpty || !value.isObject ? path + step : path + "." + step, into: &out)
            }
        } else {
            out.append((path, value.rawText))
        }
    }
}
