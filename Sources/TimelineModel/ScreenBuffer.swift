/// How a cell is drawn.
///
/// Colours are semantic; the terminal layer maps them (or drops them under NO_COLOR / monochrome) so the model never
/// knows about curses.
public enum CellStyle: UInt8, Sendable, Hashable {
    case plain, dim, bold, reverse, header
    case session, conversation, audio, response, delta, error, warning, info, key, string, number, punctuation
}

/// One screen cell: a grapheme (empty for the right half of a wide character) and its style.
public struct Cell: Sendable, Hashable {
    public var text: String
    public var style: CellStyle

    public static let blank = Cell(text: " ", style: .plain)
}

/// A rectangle of cells that widgets draw into and the terminal paints (or tests read).
///
/// Invariant: every write is clipped to the buffer, and text passes through `SafeText` first,
/// so no control character from a payload can reach a terminal.
public struct ScreenBuffer: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(1, width)
        self.height = max(1, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell { cells[y * width + x] }

    /// Writes `text` at (x, y), clipped to `maxWidth` columns (and the buffer).
    ///
    /// Returns the column after it.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: CellStyle = .plain, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height else { return x }
        let limit = min(width, x + (maxWidth ?? width))
        var col = x
        for character in SafeTextBridge.escape(text) {
            let w = DisplayWidth.of(character)
            if w == 0 { continue }
            guard col + w <= limit else { break }
            if col >= 0 {
                cells[y * width + col] = Cell(text: String(character), style: style)
                if w == 2, col + 1 < width { cells[y * width + col + 1] = Cell(text: "", style: style) }
            }
            col += w
        }
        return col
    }

    /// Fills a row segment with spaces in `style`.
    public mutating func fill(y: Int, from x: Int = 0, to end: Int? = nil, style: CellStyle) {
        let from = max(0, x)
        let to = min(width, end ?? width)
        guard y >= 0, y < height, from < to else { return }
        for col in from..<to { cells[y * width + col] = Cell(text: " ", style: style) }
    }

    /// The screen as plain text, one line per row, trailing spaces removed.
    public var text: String {
        (0..<height).map { y in
            var line = ""
            for x in 0..<width { line += cells[y * width + x].text }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }
}
