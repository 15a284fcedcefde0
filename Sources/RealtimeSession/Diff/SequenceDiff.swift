/// Longest-common-subsequence alignment of two sequences, the one algorithm behind the event-type
/// side-by-side view, the word diff and the text similarity.
///
/// Limits: O(n·m) time and memory. Sequences longer than `limit` elements are compared on their
/// first `limit` elements plus a single trailing "…" entry for the rest (a 1 500-word answer costs
/// 2.25 M cells), so a huge transcript cannot make `rtscope diff` slow or large.
public enum SequenceDiff {
    /// One step of an alignment.
    public enum Step<Element: Hashable & Sendable>: Hashable, Sendable {
        case same(Element)
        case removed(Element)
        case added(Element)
    }

    public static let limit = 1500

    /// The alignment turning `a` into `b`: common elements in order, with removals before additions.
    public static func align<Element: Hashable & Sendable>(_ a: [Element], _ b: [Element]) -> [Step<Element>] {
        let a = Array(a.prefix(limit))
        let b = Array(b.prefix(limit))
        let n = a.count
        let m = b.count
        // lengths[i][j]: LCS length of a[i...] and b[j...], row-major in one array.
        var lengths = [Int32](repeating: 0, count: (n + 1) * (m + 1))
        if n > 0, m > 0 {
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    lengths[i * (m + 1) + j] =
                        a[i] == b[j]
                        ? lengths[(i + 1) * (m + 1) + j + 1] + 1
                        : max(lengths[(i + 1) * (m + 1) + j], lengths[i * (m + 1) + j + 1])
                }
            }
        }
        var steps: [Step<Element>] = []
        var i = 0
        var j = 0
        while i < n || j < m {
            if i < n, j < m, a[i] == b[j] {
                steps.append(.same(a[i]))
                i += 1
                j += 1
            } else if j >= m || (i < n && lengths[(i + 1) * (m + 1) + j] >= lengths[i * (m + 1) + j + 1]) {
                steps.append(.removed(a[i]))
                i += 1
            } else {
                steps.append(.added(b[j]))
                j += 1
            }
        }
        return steps
    }

    /// Words of a text: runs of non-whitespace.
    public static func words(_ text: String) -> [String] { text.split(whereSeparator: \.isWhitespace).map(String.init) }

    /// Word similarity in 0…1: twice the common words (LCS) over the total words; 1 when both are
    /// empty, 0 when exactly one is.
    public static func similarity(_ a: String, _ b: String) -> Double {
        let wa = words(a)
        let wb = words(b)
        if wa.isEmpty && wb.isEmpty { return 1 }
        if wa == wb { return 1 }
        let common = align(wa, wb).filter { if case .same = $0 { true } else { false } }.count
        let total = min(wa.count, limit) + min(wb.count, limit)
        return total == 0 ? 1 : 2 * Double(common) / Double(total)
    }

    /// A compact word diff: unchanged runs as they are (long runs shortened to their ends),
    /// removals as `[-word word-]`, additions as `{+word word+}` (the `git diff --word-diff` notation).
    public static func wordDiff(_ a: String, _ b: String, context: Int = 4) -> String {
        var out: [String] = []
        var same: [String] = []
        var removed: [String] = []
        var added: [String] = []
        func flushChange() {
            if !removed.isEmpty { out.append("[-" + removed.joined(separator: " ") + "-]") }
            if !added.isEmpty { out.append("{+" + added.joined(separator: " ") + "+}") }
            removed = []
            added = []
        }
        func flushSame(last: Bool) {
            let first = out.isEmpty
            if same.count > 2 * context || (first && same.count > context) || (last && same.count > context) {
                let head = first ? [] : Array(same.prefix(context))
                let tail = last ? [] : Array(same.suffix(context))
                out += head + ["…"] + tail
            } else {
                out += same
            }
            same = []
        }
        for step in align(words(a), words(b)) {
            switch step {
            case .same(let w):
                flushChange()
                same.append(w)
            case .removed(let w):
                if !same.isEmpty { flushSame(last: false) }
                removed.append(w)
            case .added(let w):
                if !same.isEmpty { flushSame(last: false) }
                added.append(w)
            }
        }
        flushChange()
        if !same.isEmpty { flushSame(last: true) }
        return out.joined(separator: " ")
    }
}
