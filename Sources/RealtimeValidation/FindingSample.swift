import RealtimeRecording

/// The first `limit` findings of each rule in report order, and exact counts of every finding by rule and severity:
/// all that a text report without `--all` shows (`TextReporter` prints at most `limit` findings of a rule per file).
///
/// On a file where most events have a finding, keeping every `Finding` for a text report was most of what it cost
/// beyond a clean file (each is fresh memory: 144 bytes and its strings, 173 MiB on a 91 MiB recording), and all but
/// a few dozen were only counted. Here a finding is counted and, unless it is among its rule's first `limit`, dropped
/// at once, so its memory is reused by the next.
///
/// Report order is line, then rule, ties in arrival order (`ValidationRun.sortByLine`). Findings arrive nearly in
/// line order, but not exactly (end-of-session findings point back), so a rule's kept findings are the `limit`
/// smallest by (line, arrival): a later finding replaces the largest kept one when its line is smaller. `finish()`
/// returns them in report order, so the text report reads exactly as it does from every finding.
///
/// Memory: at most `limit` findings per rule, whatever the input's length. Cost: one count per finding and, once a
/// rule has `limit`, one comparison; a replacement scans that rule's `limit` kept findings.
struct FindingSample {
    let limit: Int
    private(set) var tally = RuleTally()
    /// Kept findings by rule slot (`RuleTally`'s), each with its arrival number.
    private var kept: [[Kept]] = []
    /// Per rule slot, the index in `kept` of the largest kept finding (by line, then arrival), and its line.
    private var largest: [Int] = []
    private var largestLine: [Int] = []
    private var arrivals = 0

    private struct Kept {
        var finding: Finding
        var arrival: Int
    }

    init(limit: Int) { self.limit = limit }

    /// Counts `finding` and keeps it if it is among its rule's first `limit` in report order so far.
    mutating func add(_ finding: consuming Finding) {
        let (slot, before) = tally.addReturningSlot(finding.rule, finding.severity)
        let line = finding.line
        arrivals += 1
        while kept.count <= slot {
            kept.append([])
            largest.append(0)
            largestLine.append(0)
        }
        guard limit > 0 else { return }
        if before < limit {
            kept[slot].append(Kept(finding: finding, arrival: arrivals))
            // The newest arrival is the largest unless its line is smaller.
            if kept[slot].count == 1 || line >= largestLine[slot] {
                largest[slot] = kept[slot].count - 1
                largestLine[slot] = line
            }
            return
        }
        // Full: a later arrival goes before the largest kept only with a smaller line.
        guard line < largestLine[slot] else { return }
        kept[slot][largest[slot]] = Kept(finding: finding, arrival: arrivals)
        var top = 0
        for i in kept[slot].indices where Self.after(kept[slot][i], kept[slot][top]) { top = i }
        largest[slot] = top
        largestLine[slot] = kept[slot][top].finding.line
    }

    /// The kept findings in report order (line, then rule, ties in arrival order).
    func finish() -> [Finding] {
        var all = kept.flatMap { $0 }
        // `ValidationRun.after` is the report's order; findings it does not order keep their arrival order.
        all.sort { a, b in
            if ValidationRun.after(b.finding, a.finding) { return true }
            return !ValidationRun.after(a.finding, b.finding) && a.arrival < b.arrival
        }
        return all.map(\.finding)
    }

    /// Whether `a` goes after `b` among one rule's findings: a later line, or the same line and a later arrival.
    private static func after(_ a: Kept, _ b: Kept) -> Bool {
        a.finding.line > b.finding.line || (a.finding.line == b.finding.line && a.arrival > b.arrival)
    }
}
