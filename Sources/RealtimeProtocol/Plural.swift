/// English counts for messages: "1 error", "2 errors", "0 frames".
///
/// Limits: regular plurals only (a trailing "s"), which is all rtscope's nouns need.
public enum Plural {
    /// `count` followed by `noun`, with an "s" unless `count` is exactly 1.
    public static func count(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }
}
