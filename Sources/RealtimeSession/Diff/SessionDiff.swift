import Foundation
import RealtimeRecording

/// The classes of difference `rtscope diff` reports, and `--fail-on` names.
public enum DiffClass: String, Sendable, CaseIterable, Codable, Comparable {
    /// A response's event-type sequence, its output items and their content parts, responses present on one side only.
    case structure
    /// Response statuses, output modalities, server error codes.
    case status
    /// Function calls: names, and arguments compared as JSON (key order and spacing ignored).
    case tools
    /// Output text and audio transcripts, by word similarity.
    case text
    /// Validation rule ids new in B or resolved since A.
    case findings
    /// Latency metrics (the median of each `rtscope stats` millisecond metric).
    case latency
    /// Token usage and cost.
    case usage

    public static func < (a: DiffClass, b: DiffClass) -> Bool {
        (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
    }
}

/// One difference between A and B.
///
/// `a`, `b` and `detail` may quote recording text (transcripts, arguments, ids): renderers pass
/// them through `SafeText.escape`.
public struct DiffEntry: Sendable, Hashable, Codable {
    public let kind: DiffClass
    /// The 1-based position of the aligned response pair, nil for session-wide differences.
    public let response: Int?
    /// What differs, in a few words (`events`, `output 2`, `call get_weather arguments`, `turn_latency`).
    public let subject: String
    public let a: String?
    public let b: String?
    /// A word diff, a relative change, a similarity: what a reader needs to judge it.
    public let detail: String?
    /// How big the difference is.
    ///
    /// Text: the similarity (0…1). Latency and usage: the relative change (0.25 is +25 %).
    public let magnitude: Double?
    /// Latency: the absolute change in ms; usage: in tokens.
    public let absolute: Double?

    public init(
        _ kind: DiffClass, response: Int?, subject: String, a: String?, b: String?, detail: String? = nil,
        magnitude: Double? = nil, absolute: Double? = nil
    ) {
        self.kind = kind
        self.response = response
        self.subject = subject
        self.a = a
        self.b = b
        self.detail = detail
        self.magnitude = magnitude
        self.absolute = absolute
    }
}

/// One latency metric on both sides.
public struct LatencyComparison: Sendable, Hashable, Codable {
    public let metric: String
    /// Median (p50) in ms and sample count on each side.
    public let a: Double
    public let b: Double
    public let countA: Int
    public let countB: Int
    public var change: Double { b - a }
    /// `change / a`; nil when `a` is 0.
    public var relative: Double? { a == 0 ? nil : change / a }
}

/// The comparison of two recordings: every difference, plus the side-by-side material.
///
/// Alignment (stated because every class relies on it): responses are paired in order, the k-th
/// response of A with the k-th of B; an extra response on one side is a structure difference.
/// Within a pair, output items and function calls are paired in order too. Latency compares each
/// metric's median over the whole session; changes under `latencyFloorMs` are noise, never a
/// difference.
public struct SessionDiff: Sendable {
    public let pathA: String
    public let pathB: String
    /// The aligned response pairs (nil where one side has fewer responses).
    public let pairs: [(a: ResponseDigest?, b: ResponseDigest?)]
    public let entries: [DiffEntry]
    public let latency: [LatencyComparison]
    public let usageA: Usage
    public let usageB: Usage
    /// Cost in US dollars, nil when the model has no price.
    public let costA: Double?
    public let costB: Double?

    /// Latency changes smaller than this many milliseconds are not differences.
    public static let latencyFloorMs = 5.0

    /// The differences of one class.
    public func entries(_ kind: DiffClass) -> [DiffEntry] { entries.filter { $0.kind == kind } }

    /// Compares `b` against the baseline `a`.
    public init(_ a: DiffSide, _ b: DiffSide, prices: PriceTable = .bundled) {
        pathA = a.path
        pathB = b.path
        var entries: [DiffEntry] = []
        let count = max(a.digest.responses.count, b.digest.responses.count)
        var pairs: [(a: ResponseDigest?, b: ResponseDigest?)] = []
        for k in 0..<count {
            let ra = a.digest.responses.indices.contains(k) ? a.digest.responses[k] : nil
            let rb = b.digest.responses.indices.contains(k) ? b.digest.responses[k] : nil
            pairs.append((ra, rb))
            entries += Self.compare(ra, rb, position: k + 1)
        }
        self.pairs = pairs
        let errorsA = a.model.errors.map { $0.code ?? "error" }
        let errorsB = b.model.errors.map { $0.code ?? "error" }
        if errorsA != errorsB {
            entries.append(
                DiffEntry(
                    .status, response: nil, subject: "server errors", a: Self.list(errorsA), b: Self.list(errorsB)))
        }
        entries += Self.findings(a.findings, b.findings)
        latency = Self.latency(a.model, b.model)
        for row in latency where abs(row.change) >= Self.latencyFloorMs {
            entries.append(
                DiffEntry(
                    .latency, response: nil, subject: row.metric, a: Self.ms(row.a), b: Self.ms(row.b),
                    detail: Self.signed(row.change, "ms") + (row.relative.map { " (\(Self.percent($0)))" } ?? ""),
                    magnitude: row.relative, absolute: row.change))
        }
        usageA = a.model.usage
        usageB = b.model.usage
        costA = StatsReport.file(path: a.path, model: a.model, prices: prices).cost
        costB = StatsReport.file(path: b.path, model: b.model, prices: prices).cost
        let tokensA = usageA.inputTokens + usageA.outputTokens
        let tokensB = usageB.inputTokens + usageB.outputTokens
        if usageA != usageB {
            let change = Double(tokensB - tokensA)
            entries.append(
                DiffEntry(
                    .usage, response: nil, subject: "tokens", a: Self.tokens(usageA), b: Self.tokens(usageB),
                    detail: Self.signed(change, "tokens"), magnitude: tokensA == 0 ? nil : change / Double(tokensA),
                    absolute: change))
        }
        if let ca = costA, let cb = costB, abs(cb - ca) >= 0.000_001 {
            entries.append(
                DiffEntry(
                    .usage, response: nil, subject: "cost", a: String(format: "$%.4f", ca),
                    b: String(format: "$%.4f", cb), detail: String(format: "%+.4f $", cb - ca),
                    magnitude: ca == 0 ? nil : (cb - ca) / ca, absolute: cb - ca))
        }
        self.entries = entries
    }

    // MARK: - Per response

    static func compare(_ a: ResponseDigest?, _ b: ResponseDigest?, position k: Int) -> [DiffEntry] {
        guard let a, let b else {
            let only = a ?? b
            return [
                DiffEntry(
                    .structure, response: k, subject: "response only in \(a == nil ? "B" : "A")",
                    a: a.map { $0.id }, b: b.map { $0.id }, detail: only.map { list($0.events) })
            ]
        }
        var out: [DiffEntry] = []
        if a.events != b.events {
            let steps = SequenceDiff.align(a.events, b.events)
            let changed = steps.compactMap { step -> String? in
                switch step {
                case .same: nil
                case .removed(let t): "-" + t
                case .added(let t): "+" + t
                }
            }
            out.append(
                DiffEntry(
                    .structure, response: k, subject: "events", a: list(a.events), b: list(b.events),
                    detail: changed.joined(separator: " ")))
        }
        let shapesA = a.outputs.map(shape)
        let shapesB = b.outputs.map(shape)
        if shapesA != shapesB {
            out.append(DiffEntry(.structure, response: k, subject: "output items", a: list(shapesA), b: list(shapesB)))
        }
        if a.status != b.status {
            out.append(DiffEntry(.status, response: k, subject: "status", a: a.status ?? "none", b: b.status ?? "none"))
        }
        if a.modalities != b.modalities {
            out.append(
                DiffEntry(
                    .status, response: k, subject: "modalities", a: a.modalities.map(list) ?? "unspecified",
                    b: b.modalities.map(list) ?? "unspecified"))
        }
        out += tools(a, b, position: k)
        for (field, ta, tb) in [("text", a.text, b.text), ("transcript", a.transcript, b.transcript)] where ta != tb {
            let score = SequenceDiff.similarity(ta, tb)
            out.append(
                DiffEntry(
                    .text, response: k, subject: field, a: ta, b: tb, detail: SequenceDiff.wordDiff(ta, tb),
                    magnitude: score))
        }
        return out
    }

    static func tools(_ a: ResponseDigest, _ b: ResponseDigest, position k: Int) -> [DiffEntry] {
        let callsA = a.outputs.filter { $0.type == "function_call" }
        let callsB = b.outputs.filter { $0.type == "function_call" }
        var out: [DiffEntry] = []
        for i in 0..<max(callsA.count, callsB.count) {
            let ca = callsA.indices.contains(i) ? callsA[i] : nil
            let cb = callsB.indices.contains(i) ? callsB[i] : nil
            guard let ca, let cb else {
                out.append(
                    DiffEntry(
                        .tools, response: k, subject: "call \(i + 1) only in \(ca == nil ? "B" : "A")",
                        a: ca.map(callText), b: cb.map(callText)))
                continue
            }
            if ca.name != cb.name {
                out.append(
                    DiffEntry(
                        .tools, response: k, subject: "call \(i + 1) name", a: ca.name ?? "none", b: cb.name ?? "none"))
            }
            if !sameJSON(ca.arguments, cb.arguments) {
                out.append(
                    DiffEntry(
                        .tools, response: k, subject: "call \(i + 1) \(cb.name ?? "?") arguments",
                        a: ca.arguments ?? "none", b: cb.arguments ?? "none"))
            }
        }
        return out
    }

    /// Whether two argument strings hold the same JSON value (key order and spacing ignored); two
    /// strings that are not JSON are compared as text.
    public static func sameJSON(_ a: String?, _ b: String?) -> Bool {
        guard let a, let b else { return a == b }
        return JSONEquality.same(a, b)
    }

    // MARK: - Session-wide

    static func findings(_ a: [String], _ b: [String]) -> [DiffEntry] {
        var countA: [String: Int] = [:]
        var countB: [String: Int] = [:]
        for r in a { countA[r, default: 0] += 1 }
        for r in b { countB[r, default: 0] += 1 }
        var out: [DiffEntry] = []
        for rule in Set(a).union(b).sorted() {
            let na = countA[rule] ?? 0
            let nb = countB[rule] ?? 0
            if na == 0 {
                out.append(DiffEntry(.findings, response: nil, subject: rule, a: "0", b: "\(nb)", detail: "new"))
            } else if nb == 0 {
                out.append(DiffEntry(.findings, response: nil, subject: rule, a: "\(na)", b: "0", detail: "resolved"))
            }
        }
        return out
    }

    static func latency(_ a: SessionModel, _ b: SessionModel) -> [LatencyComparison] {
        let samplesA = a.metricSamples()
        let samplesB = b.metricSamples()
        return MetricInfo.all.filter { $0.unit == .milliseconds }.compactMap { m in
            guard let sa = MetricSummary(metric: m.id, values: samplesA.filter { $0.metric == m.id }.map(\.value)),
                let sb = MetricSummary(metric: m.id, values: samplesB.filter { $0.metric == m.id }.map(\.value))
            else { return nil }
            return LatencyComparison(metric: m.id, a: sa.p50, b: sb.p50, countA: sa.count, countB: sb.count)
        }
    }

    // MARK: - Formatting helpers

    static func shape(_ o: OutputDigest) -> String {
        var s = o.type ?? "?"
        if let role = o.role { s += "/" + role }
        if let name = o.name { s += " " + name }
        if !o.parts.isEmpty { s += "[" + o.parts.joined(separator: ",") + "]" }
        return s
    }

    static func callText(_ o: OutputDigest) -> String { (o.name ?? "?") + "(" + (o.arguments ?? "") + ")" }
    static func list(_ items: [String]) -> String { items.isEmpty ? "none" : items.joined(separator: " ") }
    static func ms(_ v: Double) -> String { String(format: "%.1f ms", v) }
    static func signed(_ v: Double, _ unit: String) -> String { String(format: "%+.1f ", v) + unit }
    static func percent(_ r: Double) -> String { String(format: "%+.0f%%", r * 100) }
    static func tokens(_ u: Usage) -> String { "\(u.inputTokens) in, \(u.outputTokens) out" }
}
