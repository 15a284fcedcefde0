/// Fits a line of `·`-separated parts into a width by abbreviating and dropping parts, never by cutting a word.
///
/// Each part has its forms from the longest to the shortest; an empty form drops the part. `shrink` lists the parts to
/// step to their next form, in order, until the line fits (a part may appear several times). Only when every step is
/// taken and the line is still too wide is the part `ellipsize` names cut, with `…`; on screens narrower than what is
/// left, the caller's clipping applies.
enum Fitting {
    static let separator = " · "

    static func line(_ forms: [[String]], shrink: [Int], ellipsize: Int? = nil, width: Int) -> String {
        var chosen = forms.map { $0.first ?? "" }
        var level = [Int](repeating: 0, count: forms.count)
        func text() -> String { chosen.filter { !$0.isEmpty }.joined(separator: separator) }
        for part in shrink where forms.indices.contains(part) && DisplayWidth.of(text()) > width {
            level[part] = min(level[part] + 1, max(0, forms[part].count - 1))
            chosen[part] = forms[part].isEmpty ? "" : forms[part][level[part]]
        }
        let excess = DisplayWidth.of(text()) - width
        if let part = ellipsize, chosen.indices.contains(part), excess > 0 {
            chosen[part] = cut(chosen[part], to: max(1, DisplayWidth.of(chosen[part]) - excess))
        }
        return text()
    }

    /// `text` in at most `width` columns without cutting a word: a trailing parenthetical is dropped first, then
    /// words from the end (marked with `…`); only a first word wider than `width` is cut.
    static func words(_ text: String, to width: Int) -> String {
        guard DisplayWidth.of(text) > width else { return text }
        if text.hasSuffix(")"), let open = text.lastIndex(of: "("), open > text.startIndex,
            text[text.index(before: open)] == " "
        {
            let brief = String(text[..<text.index(before: open)])
            if DisplayWidth.of(brief) <= width { return brief }
        }
        var kept = text
        while DisplayWidth.of(kept) + 1 > width, let space = kept.lastIndex(of: " ") {
            kept = String(kept[..<space])
            while kept.hasSuffix(" ") { kept.removeLast() }
        }
        return DisplayWidth.of(kept) + 1 <= width ? kept + "…" : cut(text, to: width)
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
