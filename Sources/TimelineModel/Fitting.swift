/// Fits a line of `·`-separated parts into a width by abbreviating and dropping parts, never by cutting a word.
///
/// Each part has its forms from the longest to the shortest; an empty form drops the part. `shrink` lists the parts to
/// step to their next form, in order, until the line fits (a part may appear several times). Only when every step is
/// taken and the line is still too wide is the part `ellipsize` names cut, with `…`; on screens narrower than what is
/// left, the caller's clipping applies.
enum Fitting {
    static let separator = " · "

    static func line(_ forms: [[String]], shrink: [Int], ellipsize: Int? = nil, width: Int) -> String {
        var level = [Int](repeating: 0, count: forms.count)
        func text() -> String {
            forms.indices.map { forms[$0].isEmpty ? "" : forms[$0][min(level[$0], forms[$0].count - 1)] }
                .filter { !$0.isEmpty }.joined(separator: separator)
        }
        var current = text()
        for part in shrink where DisplayWidth.of(current) > width {
            guard forms.indices.contains(part) else { continue }
            level[part] += 1
            current = text()
        }
        guard let part = ellipsize, forms.indices.contains(part), DisplayWidth.of(current) > width else {
            return current
        }
        let whole = forms[part][min(level[part], forms[part].count - 1)]
        let room = DisplayWidth.of(whole) - (DisplayWidth.of(current) - width)
        var forms = forms
        forms[part] = [cut(whole, to: max(1, room))]
        level[part] = 0
        return forms.indices.map { forms[$0].isEmpty ? "" : forms[$0][min(level[$0], forms[$0].count - 1)] }
            .filter { !$0.isEmpty }.joined(separator: separator)
    }

    /// `text` cut to at most `width` columns, ending in `…` when anything was cut.
    static func cut(_ text: String, to width: Int) -> String {
        guard DisplayWidth.of(text) > width else { return text }
        var out = ""
        var used = 0
        for character in text {
            let w = DisplayWidth.of(character)
            if used + w > width - 1 { break }
            out.append(character)
            used += w
        }
        return out + "…"
    }
}
