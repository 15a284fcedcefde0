import Foundation

/// One `--fail-on` item: a difference class and its threshold.
///
/// Syntax (comma-separated in `--fail-on`):
/// - `structure`, `status`, `tools`, `findings`: any difference of the class fails;
///   `findings` counts only rules that are new in B (a resolved rule is an improvement);
/// - `text` or `text:0.8`: fails when a text or transcript has a word similarity below the
///   threshold (default 1: any change);
/// - `latency`, `latency:+20%` or `latency:+50ms`: fails when a metric's median grows by more than
///   the threshold (default +20 %), and always by at least `SessionDiff.latencyFloorMs`;
/// - `usage`, `usage:+10%`: fails when total tokens or cost grow by more than the threshold
///   (default: any growth).
public struct DiffGate: Sendable, Hashable, CustomStringConvertible {
    public enum Threshold: Sendable, Hashable {
        case any
        case similarity(Double)
        case relative(Double)
        case milliseconds(Double)
    }

    public let kind: DiffClass
    public let threshold: Threshold
    public let description: String

    /// Parses one item, or says in one sentence what is wrong with it.
    public static func parse(_ text: String) -> Result<DiffGate, GateError> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: ":", maxSplits: 1).map(String.init)
        guard let name = parts.first, let kind = DiffClass(rawValue: name) else {
            return .failure(
                GateError(
                    "unknown difference class '\(trimmed)' in --fail-on (expected "
                        + DiffClass.allCases.map(\.rawValue).joined(separator: ", ") + ")"))
        }
        let value = parts.count > 1 ? parts[1] : nil
        func bad() -> Result<DiffGate, GateError> {
            .failure(GateError("--fail-on \(trimmed): \(Self.usage(kind))"))
        }
        switch kind {
        case .structure, .status, .tools, .findings:
            guard value == nil else { return bad() }
            return .success(DiffGate(kind: kind, threshold: .any, description: trimmed))
        case .text:
            guard let value else {
                return .success(DiffGate(kind: kind, threshold: .similarity(1), description: trimmed))
            }
            guard let t = Double(value), (0...1).contains(t) else { return bad() }
            return .success(DiffGate(kind: kind, threshold: .similarity(t), description: trimmed))
        case .latency, .usage:
            guard let value else {
                return .success(
                    DiffGate(kind: kind, threshold: kind == .latency ? .relative(0.2) : .any, description: trimmed))
            }
            let body = value.hasPrefix("+") ? String(value.dropFirst()) : value
            if body.hasSuffix("%"), let p = Double(body.dropLast()), p >= 0 {
                return .success(DiffGate(kind: kind, threshold: .relative(p / 100), description: trimmed))
            }
            if kind == .latency, body.hasSuffix("ms"), let v = Double(body.dropLast(2)), v >= 0 {
                return .success(DiffGate(kind: kind, threshold: .milliseconds(v), description: trimmed))
            }
            return bad()
        }
    }

    static func usage(_ kind: DiffClass) -> String {
        switch kind {
        case .structure, .status, .tools, .findings: "\(kind.rawValue) takes no threshold"
        case .text: "expected text or text:T with T between 0 and 1 (the lowest word similarity accepted)"
        case .latency: "expected latency, latency:+N% or latency:+Nms"
        case .usage: "expected usage or usage:+N%"
        }
    }

    /// Parses a comma-separated `--fail-on` list.
    public static func parseList(_ text: String) -> Result<[DiffGate], GateError> {
        var gates: [DiffGate] = []
        for item in text.split(separator: ",") {
            switch parse(String(item)) {
            case .success(let gate): gates.append(gate)
            case .failure(let error): return .failure(error)
            }
        }
        return .success(gates)
    }

    /// The differences that break this gate (empty: it passes).
    public func violations(in diff: SessionDiff) -> [DiffEntry] {
        diff.entries(kind).filter { entry in
            switch (kind, threshold) {
            case (.findings, _): entry.detail == "new"
            case (_, .any): kind != .usage || (entry.absolute ?? 0) > 0
            case (_, .similarity(let t)): (entry.magnitude ?? 0) < t
            case (_, .relative(let r)):
                // A growth from zero has no relative change: any growth then counts.
                (entry.absolute ?? 0) > 0 && (entry.magnitude.map { $0 > r } ?? true)
            case (_, .milliseconds(let v)): (entry.absolute ?? 0) > v
            }
        }
    }

    public struct GateError: Error, CustomStringConvertible, Sendable {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
