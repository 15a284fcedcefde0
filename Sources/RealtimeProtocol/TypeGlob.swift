/// A shell-style pattern over event types: `*` matches any run of characters (dots included), `?` one character;
/// anything else matches itself.
///
/// `response.*.delta` matches `response.text.delta` and `response.output_audio_transcript.delta`.
public struct TypeGlob: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    private let scalars: [Unicode.Scalar]

    public init(_ pattern: String) {
        self.pattern = pattern
        self.scalars = Array(pattern.unicodeScalars)
    }

    public var description: String { pattern }

    /// Whether `type` matches the whole pattern.
    ///
    /// Linear in practice (greedy with one backtrack point).
    public func matches(_ type: String) -> Bool {
        let text = Array(type.unicodeScalars)
        var p = 0
        var t = 0
        var star = -1
        var mark = 0
        while t < text.count {
            if p < scalars.count, scalars[p] == "?" || scalars[p] == text[t] {
                p += 1
                t += 1
            } else if p < scalars.count, scalars[p] == "*" {
                star = p
                mark = t
                p += 1
            } else if star >= 0 {
                p = star + 1
                mark += 1
                t = mark
            } else {
                return false
            }
        }
        while p < scalars.count, scalars[p] == "*" { p += 1 }
        return p == scalars.count
    }
}
