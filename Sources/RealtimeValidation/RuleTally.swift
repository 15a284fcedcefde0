import RealtimeRecording

/// Counts findings by rule (and severity) without hashing the rule id of every finding: a file's findings use
/// a handful of rules, and a finding's `rule` is usually the very string of the rule's `RuleInfo`, so the
/// last rule matched and a short list compare equal at their first step.
struct RuleTally {
    private var rules: [String] = []
    /// Three counts per rule: notes, warnings, errors.
    private var counts: [Int] = []
    private var last = 0

    /// Counts one finding of `rule`; returns how many were counted before it.
    @discardableResult
    mutating func add(_ rule: String, _ severity: Severity = .note) -> Int {
        addReturningSlot(rule, severity).before
    }

    /// Counts one finding of `rule`; returns the rule's slot (0, 1, … in order of first appearance) and how many were
    /// counted before it.
    mutating func addReturningSlot(_ rule: String, _ severity: Severity) -> (slot: Int, before: Int) {
        let k = slot(rule)
        let s = severity == .error ? 2 : severity == .warning ? 1 : 0
        let before = counts[3 * k] + counts[3 * k + 1] + counts[3 * k + 2]
        counts[3 * k + s] += 1
        return (k, before)
    }

    /// Findings of every rule and severity: notes, warnings, errors.
    var severities: (notes: Int, warnings: Int, errors: Int) {
        var out = (notes: 0, warnings: 0, errors: 0)
        for k in rules.indices {
            out.notes += counts[3 * k]
            out.warnings += counts[3 * k + 1]
            out.errors += counts[3 * k + 2]
        }
        return out
    }

    private mutating func slot(_ rule: String) -> Int {
        if last < rules.count, rules[last] == rule { return last }
        if let k = rules.firstIndex(of: rule) {
            last = k
            return k
        }
        rules.append(rule)
        counts += [0, 0, 0]
        last = rules.count - 1
        return last
    }

    /// Findings per rule.
    var totals: [String: Int] {
        Dictionary(
            uniqueKeysWithValues: rules.indices.map {
                (rules[$0], counts[3 * $0] + counts[3 * $0 + 1] + counts[3 * $0 + 2])
            })
    }

    /// Findings per rule and severity (severities without findings left out).
    var bySeverity: [String: [Severity: Int]] {
        var out: [String: [Severity: Int]] = [:]
        for (k, rule) in rules.enumerated() {
            var bySeverity: [Severity: Int] = [:]
            for (s, n) in zip([Severity.note, .warning, .error], counts[(3 * k)..<(3 * k + 3)]) where n > 0 {
                bySeverity[s] = n
            }
            out[rule] = bySeverity
        }
        return out
    }
}
