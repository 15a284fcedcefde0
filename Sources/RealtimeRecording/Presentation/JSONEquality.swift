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
        // `keysSorted` drops member order and keeps the last of a repeated key; `==` compares compact encodings,
        // where `1.0` and `1` are both `1` and big integers keep their digits.
        return va.keysSorted == vb.keysSorted
    }
}
