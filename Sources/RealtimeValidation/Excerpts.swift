import Foundation
import RealtimeProtocol
import RealtimeRecording

/// Which findings of a file get excerpts (one-line views of the lines around them) in its `FileReport`.
public enum ExcerptPolicy: Sendable, Equatable {
    /// No excerpts (the machine formats json, sarif and github do not print them).
    case none
    /// Excerpts for the first `n` findings of each rule, as the text report shows them; findings made
    /// at the end of the file (`finish`) always get theirs.
    case firstPerRule(Int)
    /// Excerpts for every finding (`--all`, junit).
    case all
}

/// Collects the excerpts findings need while the lines stream by, so no second pass over the file.
///
/// The validating thread hands it every batch after running the rules on it and the findings that
/// batch produced. It holds the last few batches back from recycling (their tapes stay alive): at most
/// `maxEvents` events and `maxBytes` of tapes beyond the newest batch, so memory stays bounded. A wanted
/// line is summarised as soon as it is in that window (lines after a finding, such as `line + 1`, wait
/// until their batch arrives); a related line older than the window gets no excerpt (the report still
/// names it and its note). Each line is summarised once, decoding only that event.
struct ExcerptCollector {
    let policy: ExcerptPolicy
    /// Whether line 1 is a header line (shown as "(header)").
    var headerLine = false
    let maxEvents = 1024
    let maxBytes = 16 << 20
    private(set) var excerpts: [Int: String] = [:]
    private var shown = RuleTally()
    /// Wanted lines not summarised yet.
    private var pending: Set<Int> = []
    /// Batches held back from recycling, oldest first, with their tape bytes.
    private var window: [(batch: ReadAhead.Batch, bytes: Int)] = []
    private var heldEvents = 0
    private var heldBytes = 0

    init(policy: ExcerptPolicy) { self.policy = policy }

    /// Notes the lines `findings` point at.
    ///
    /// `atEnd`: findings made after the last batch (always wanted).
    mutating func want(_ findings: ArraySlice<Finding>, atEnd: Bool = false) {
        guard policy != .none else { return }
        // Read in place: with a per-rule limit most findings are only counted, and a copy of each would retain its
        // strings.
        for k in findings.indices {
            if case .firstPerRule(let n) = policy, !atEnd {
                guard shown.add(findings[k].rule) < n else { continue }
            }
            let line = findings[k].line
            for line in [line - 1, line, line + 1] where line > 0 && excerpts[line] == nil {
                pending.insert(line)
            }
            for r in findings[k].related where r.line > 0 && excerpts[r.line] == nil { pending.insert(r.line) }
        }
    }

    /// Takes the batch the rules just finished with, summarises the wanted lines now in reach and
    /// returns the batches that leave the window (for `ReadAhead.recycle`).
    mutating func hold(_ batch: ReadAhead.Batch) -> [ReadAhead.Batch] {
        guard policy != .none else { return [batch] }
        // The batch's shared tape once, plus the tapes of events that have their own.
        let shared = batch.tape.map(ObjectIdentifier.init)
        let bytes =
            (batch.tape?.capacity ?? 0)
            + batch.events.reduce(0) { sum, event in
                guard let tape = event.object?.document, ObjectIdentifier(tape) != shared else { return sum }
                return sum + tape.capacity
            }
        window.append((batch, bytes))
        heldEvents += batch.events.count
        heldBytes += bytes
        resolve()
        var leaving: [ReadAhead.Batch] = []
        while window.count > 1, heldEvents - batch.events.count > maxEvents || heldBytes - bytes > maxBytes {
            let old = window.removeFirst()
            heldEvents -= old.batch.events.count
            heldBytes -= old.bytes
            leaving.append(old.batch)
        }
        return leaving
    }

    /// Summarises what can still be found, then lets the window go (returned for recycling).
    mutating func finish() -> [ReadAhead.Batch] {
        resolve(final: true)
        defer { window = [] }
        return window.map(\.batch)
    }

    /// Summarises pending lines found in the window; drops those that are gone for good.
    private mutating func resolve(final: Bool = false) {
        guard !pending.isEmpty else { return }
        let last = window.last?.batch.events.last?.line ?? 0
        for line in pending {
            if line == 1, headerLine {
                excerpts[1] = "(header)"
            } else if let event = find(line) {
                excerpts[line] = Self.excerpt(event)
            } else if line <= last || final {
                // older than the window, or not a frame line: no excerpt
            } else {
                continue
            }
            pending.remove(line)
        }
    }

    private func find(_ line: Int) -> ValidatorEvent? {
        for held in window.reversed() {
            let events = held.batch.events
            guard let first = events.first, first.line <= line else { continue }
            guard let lastEvent = events.last, line <= lastEvent.line else { return nil }
            var lo = 0
            var hi = events.count - 1
            while lo <= hi {
                let mid = (lo + hi) / 2
                if events[mid].line == line { return events[mid] }
                if events[mid].line < line { lo = mid + 1 } else { hi = mid - 1 }
            }
            return nil
        }
        return nil
    }

    /// The one-line view of a frame: direction, type and the catalog's summary fields (the event converted to a
    /// `JSON` tree, only for this line), or the opcode when the payload is not an event.
    static func excerpt(_ event: ValidatorEvent) -> String {
        let arrow = event.direction.arrow
        if event.opcode == .text, let object = event.object, object.isObject, let type = object.string(at: "type") {
            let tree = JSON(object)
            let summary = EventSummary.summarize(tree, spec: EventCatalog.standard.spec(for: type), maxText: 60)
            return "\(arrow) \(type)\(summary.isEmpty ? "" : " " + summary)"
        }
        return "\(arrow) [\(event.opcode.rawValue)]"
    }
}
