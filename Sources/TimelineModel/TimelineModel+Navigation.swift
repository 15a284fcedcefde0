import RealtimeProtocol
import RealtimeRecording
import RealtimeValidation

/// Moving the cursor: jumps by finding, response or relation, search, filter and "go to line".
///
/// Pure on the model's state and rows; reads the source's index and findings, and an event only to follow an error
/// to the client event it answers.
extension TimelineModel {
    /// Jumps to the event related to the current one: a finding's related line, the client event
    /// an error answers, or the `response.created` of the current response.
    mutating func goToRelated() {
        guard let entry = currentEntry else { return }
        let index = source.index
        let line = Int(index.entries[entry].line)
        var targets = source.findings(line: line).flatMap { $0.related.map(\.line) }
        if let cause = source.event(entry)?.string(at: "error.event_id"),
            let client = index.entries.first(where: { $0.eventIDHash == RecordingIndex.hash(cause.utf8) })
        {
            targets.append(Int(client.line))
        }
        // `session.updated` (and `transcription_session.updated`) answers the latest `session.update` before it.
        if let type = index.type(of: entry), type.hasSuffix(".updated"),
            index.entries[entry].direction == .serverToClient,
            let request = (0..<entry).reversed().first(where: {
                index.entries[$0].direction == .clientToServer && index.type(of: $0) == type.dropLast(2) + "e"
            })
        {
            targets.append(Int(index.entries[request].line))
        }
        let response = index.entries[entry].responseID
        if response >= 0, let first = index.entries.first(where: { $0.responseID == response }), Int(first.line) != line
        {
            targets.append(Int(first.line))
        }
        guard let target = targets.first(where: { $0 != line }),
            let row = rows.firstIndex(where: { $0.folded.contains { Int(index.entries[$0].line) == target } })
        else {
            state.message = "no related event"
            return
        }
        move(to: row)
        state.message = "related: line \(target)"
    }

    /// Moves to the next (or previous) row, wrapping around, whose entries satisfy `test` (or,
    /// with `issues`, an unreadable line of that severity).
    mutating func jump(forward: Bool, _ what: String, issues: Severity? = nil, _ test: (Int) -> Bool) {
        guard !rows.isEmpty else { return }
        for step in 1...rows.count {
            let row = (state.cursor + (forward ? step : -step) + rows.count * 2) % rows.count
            let issueHit = issues != nil && rows[row].issue?.severity == issues
            if issueHit || rows[row].folded.contains(where: test) {
                if forward ? row <= state.cursor : row >= state.cursor { state.message = "wrapped around" }
                move(to: row)
                return
            }
        }
        state.message = "no \(what)"
    }

    mutating func startPrompt(_ prompt: Prompt) {
        state.prompt = prompt
        state.input = ""
    }

    mutating func finishPrompt(_ prompt: Prompt) {
        let text = state.input
        state.prompt = nil
        state.input = ""
        switch prompt {
        case .search:
            guard !text.isEmpty else { return }
            state.search = text
            find(text, forward: true)
        case .filter:
            state.filter = text.isEmpty ? nil : text
            applyFilter()
        case .line:
            goToLine(String(text.filter { $0 != " " }))
        }
    }

    /// Moves to the row holding JSONL line `text` (as `stats` and `validate` name them), or to the
    /// last event before it when that line is not an event (the header, a blank or unreadable line).
    mutating func goToLine(_ text: String) {
        guard let wanted = Int(text), wanted > 0 else {
            state.message = "not a line number: \(text)"
            return
        }
        let index = source.index
        var best: (row: Int, line: Int)?
        for (row, item) in rows.enumerated() {
            for entry in item.folded {
                let line = Int(index.entries[entry].line)
                if line <= wanted, line > (best?.line ?? 0) { best = (row, line) }
            }
        }
        guard let best else {
            state.message = "line \(wanted) is before the first event"
            return
        }
        move(to: best.row)
        state.message = best.line == wanted ? "line \(wanted)" : "line \(wanted) is no event; at line \(best.line)"
    }

    /// Finds `text` (case-insensitive) in event types, then in summaries.
    mutating func find(_ text: String, forward: Bool) {
        let needle = text.lowercased()
        let source = self.source
        jump(forward: forward, "match for “\(text)”") { entry in
            (source.index.type(of: entry)?.lowercased().contains(needle) ?? false)
                || source.summary(entry).lowercased().contains(needle)
        }
    }

    /// Filter syntax: `client` / `server`, a type glob (`response.*.delta`), or an id (resp_…, item_…, call_…).
    mutating func applyFilter() {
        let entry = currentEntry
        visible = matching(state.filter)
        state.message =
            state.filter.map { "\(visible.count) of \(source.index.entries.count) events match “\($0)”" }
            ?? "filter cleared"
        rebuild(keeping: entry)
    }

    /// The entries a filter selects (all of them without one).
    func matching(_ filter: String?) -> [Int] {
        let index = source.index
        guard let filter else { return Array(index.entries.indices) }
        let direction = Direction(word: filter)
        let glob = TypeGlob(filter)
        return index.entries.indices.filter { i in
            let e = index.entries[i]
            if let direction { return e.direction == direction }
            if glob.matches(index.type(of: i) ?? "") { return true }
            return [e.responseID, e.itemID, e.callID].contains { index.string($0) == filter }
                || e.eventIDHash == RecordingIndex.hash(filter.utf8)
        }
    }
}
