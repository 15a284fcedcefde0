/// Draws the audio level strip: two rows under the ruler, one character per ruler column, the
/// user's input above and the assistant's output below.
///
/// A level (RMS, dBFS) maps to one of eight blocks `▁▂▃▄▅▆▇█`, 7.5 dB apart from −60 dBFS (quieter
/// audio is `▁`; a column without audio is blank). Output audio the user did not hear (cut by a
/// truncate or a cleared buffer) is drawn in shades `░▒▓` (under −40, −20, and louder) and dimmed,
/// so it stands apart without colour too. Pure: reads only the `LevelStripFrame`.
public enum LevelStripView {
    public static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    public static let shades: [Character] = ["░", "▒", "▓"]

    /// The block for a level: `▁` at or below −52.5 dBFS, `█` above −7.5.
    public static func block(_ dBFS: Double) -> Character {
        guard dBFS.isFinite else { return blocks[0] }
        let k = Int(((dBFS + 60) / 7.5).rounded(.up)) - 1
        return blocks[max(0, min(blocks.count - 1, k))]
    }

    /// The shade for an unheard level.
    public static func shade(_ dBFS: Double) -> Character {
        guard dBFS.isFinite else { return shades[0] }
        return dBFS < -40 ? shades[0] : dBFS < -20 ? shades[1] : shades[2]
    }

    public static func render(_ levels: LevelStripFrame, _ area: Area, into screen: inout ScreenBuffer) {
        guard area.height >= 2 else { return }
        for x in 0..<min(area.width, levels.input.count) {
            if let db = levels.input[x] {
                screen.put(String(block(db)), x: area.x + x, y: area.y, style: .audio)
            }
        }
        for x in 0..<min(area.width, levels.output.count) {
            guard let db = levels.output[x] else { continue }
            let unheard = levels.unheard.indices.contains(x) && levels.unheard[x]
            screen.put(
                String(unheard ? shade(db) : block(db)), x: area.x + x, y: area.y + 1,
                style: unheard ? .dim : .response)
        }
    }
}
