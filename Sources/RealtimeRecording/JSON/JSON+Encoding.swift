/// Writing a `JSON` tree as text: one serializer, compact or pretty.
///
/// Deterministic: the same value always gives the same bytes. Strings are escaped by `JSONText.appendQuoted` (`"`,
/// `\` and C0 controls, as `\n`, `\r`, `\t` or `\u00XX`; everything else as UTF-8), optionally `/` as `\/`. Integers
/// are written exactly; doubles in the shortest form that reads back the same, without a trailing `.0` (`2.0` is
/// written `2`, `1e+20` and `2.5e-07` as Foundation's `JSONSerialization` writes them); non-finite doubles as
/// `null`.
extension JSON {
    /// How to lay the text out.
    public struct Style: Sendable, Hashable {
        /// Newlines and two-space indentation, `"key" : value`, empty containers as `[`, empty line, `]`: the layout
        /// of `JSONSerialization`'s `.prettyPrinted`, so reports keep their bytes.
        public var pretty: Bool
        /// Object members sorted by key (`String` order) instead of kept in order.
        public var sortedKeys: Bool
        /// `/` written as `\/` (as `JSONSerialization` does unless `.withoutEscapingSlashes`).
        public var escapeSlashes: Bool

        public init(pretty: Bool = false, sortedKeys: Bool = false, escapeSlashes: Bool = false) {
            self.pretty = pretty
            self.sortedKeys = sortedKeys
            self.escapeSlashes = escapeSlashes
        }

        /// One line, members in order: the simulator's events, JSONL.
        public static let compact = Style()
    }

    /// The value as compact JSON text, members in order.
    public var encoded: String { encoded(.compact) }

    /// The value as JSON text in `style`.
    public func encoded(_ style: Style) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        append(to: &out, style, depth: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the value's text in `style` to `out`.
    public func append(to out: inout [UInt8], _ style: Style = .compact) {
        append(to: &out, style, depth: 0)
    }

    private func append(to out: inout [UInt8], _ style: Style, depth: Int) {
        switch self {
        case .string(let s): Self.appendString(s, to: &out, style)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d): Self.appendDouble(d, to: &out)
        case .bigInteger(let text): out.append(contentsOf: text.utf8)
        case .bool(let b): out.append(contentsOf: b ? Self.trueBytes : Self.falseBytes)
        case .null: out.append(contentsOf: Self.nullBytes)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            if style.pretty { out.append(0x0A) }
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                if style.pretty {
                    if i > 0 { out.append(0x0A) }
                    Self.indent(&out, depth + 1)
                }
                item.append(to: &out, style, depth: depth + 1)
            }
            if style.pretty { Self.close(&out, depth) }
            out.append(UInt8(ascii: "]"))
        case .object(let pairs):
            out.append(UInt8(ascii: "{"))
            if style.pretty { out.append(0x0A) }
            let ordered = style.sortedKeys ? Self.sorted(pairs) : pairs
            for (i, (key, value)) in ordered.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                if style.pretty {
                    if i > 0 { out.append(0x0A) }
                    Self.indent(&out, depth + 1)
                }
                Self.appendString(key, to: &out, style)
                if style.pretty {
                    out.append(contentsOf: [0x20, UInt8(ascii: ":"), 0x20])
                } else {
                    out.append(UInt8(ascii: ":"))
                }
                value.append(to: &out, style, depth: depth + 1)
            }
            if style.pretty { Self.close(&out, depth) }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)
    private static let nullBytes = Array("null".utf8)

    /// Members by key; a stable sort, so repeated keys keep their order (the last still wins on reading back).
    private static func sorted(_ pairs: [(String, JSON)]) -> [(String, JSON)] {
        pairs.enumerated().sorted { a, b in a.element.0 != b.element.0 ? a.element.0 < b.element.0 : a.offset < b.offset
        }
        .map(\.element)
    }

    private static func indent(_ out: inout [UInt8], _ depth: Int) {
        out.append(contentsOf: repeatElement(0x20, count: 2 * depth))
    }

    /// The end of a pretty container: a newline and the closing bracket's indentation.
    private static func close(_ out: inout [UInt8], _ depth: Int) {
        out.append(0x0A)
        indent(&out, depth)
    }

    private static func appendString(_ s: String, to out: inout [UInt8], _ style: Style) {
        guard style.escapeSlashes, s.utf8.contains(UInt8(ascii: "/")) else {
            JSONText.appendQuoted(s.utf8, to: &out)
            return
        }
        var quoted: [UInt8] = []
        JSONText.appendQuoted(s.utf8, to: &quoted)
        for b in quoted {
            if b == UInt8(ascii: "/") { out.append(UInt8(ascii: "\\")) }
            out.append(b)
        }
    }

    /// A double in its shortest round-trip form without a trailing `.0`; `null` when not finite.
    static func appendDouble(_ d: Double, to out: inout [UInt8]) {
        guard d.isFinite else {
            out.append(contentsOf: nullBytes)
            return
        }
        var text = d.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        out.append(contentsOf: text.utf8)
    }
}
