import Foundation

/// Whether two JSON texts hold the same value.
///
/// Object key order and spacing do not count; numbers compare by value. Used to match a tool call's arguments across sessions (replay, diff).
///
/// Limits: decodes both texts with Foundation (a boundary helper, not for the hot path); a text
/// that is not JSON is compared as text.
public enum JSONEquality {
    public static func same(_ a: String, _ b: String) -> Bool {
        guard let va = try? JSONSerialization.jsonObject(with: Data(a.utf8), options: [.fragmentsAllowed]),
            let vb = try? JSONSerialization.jsonObject(with: Data(b.utf8), options: [.fragmentsAllowed])
        else { return a == b }
        return equal(va, vb)
    }

    /// Deep equality of two `JSONSerialization` values.
    static func equal(_ a: Any, _ b: Any) -> Bool {
        switch (a, b) {
        case (let x as [String: Any], let y as [String: Any]):
            return x.count == y.count && x.allSatisfy { k, v in y[k].map { equal(v, $0) } ?? false }
        case (let x as [Any], let y as [Any]): return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (let x as String, let y as String): return x == y
        case (let x as Bool, let y as Bool): return x == y
        case (let x as NSNumber, let y as NSNumber): return x == y
        case (is NSNull, is NSNull): return true
        default: return false
        }
    }
}
