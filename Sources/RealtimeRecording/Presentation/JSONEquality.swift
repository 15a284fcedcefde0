/// Whether two JSON texts hold the same value.
///
/// Object key order and spacing do not count (a repeated key counts as its last member, as lookups read it); numbers
/// compare by value (`1` equals `1.0`; integers exactly); `true` equals only `true`. Used to match a tool call's
/// arguments across sessions (replay, diff).
///
/// Limits: decodes both texts into `JSON` trees (not for the hot path); a text that is not JSON is compared as text.
public enum JSONEquality {
    public static func same(_ a: String, _ b: String) -> Bool {
        guard let va = try? JSON(parsing: a), let vb = try? JSON(parsing: b) else { return a == b }
        return equal(va, vb)
    }

    /// Deep equality of two trees, ignoring member order.
    static func equal(_ a: JSON, _ b: JSON) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)):
            let dx = Dictionary(x, uniquingKeysWith: { _, last in last })
            let dy = Dictionary(y, uniquingKeysWith: { _, last in last })
            return dx.count == dy.count && dx.allSatisfy { k, v in dy[k].map { equal(v, $0) } ?? false }
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.string(let x), .string(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.int, .double), (.double, .int), (.double, .double): return a.double == b.double
        case (.null, .null): return true
        default: return false
        }
    }
}
