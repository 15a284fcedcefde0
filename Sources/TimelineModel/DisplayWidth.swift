import RealtimeProtocol

/// Terminal column widths of characters, the same on every machine (no locale dependency), so
/// screen snapshots are stable: East Asian wide characters and emoji take 2 columns, combining
/// marks and zero-width characters 0, everything else 1.
public enum DisplayWidth {
    public static func of(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        if character.unicodeScalars.count > 1, character.unicodeScalars.contains(where: { $0.value == 0xFE0F }) {
            return 2  // emoji presentation
        }
        return of(first)
    }

    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v == 0 || (0x0300...0x036F).contains(v) || (0x200B...0x200F).contains(v) || (0xFE00...0xFE0F).contains(v) {
            return 0
        }
        for range in wide where range.contains(v) { return 2 }
        return 1
    }

    /// Width of a whole string.
    public static func of(_ text: String) -> Int { text.reduce(0) { $0 + of($1) } }

    private static let wide: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
        0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F,
        0x1F900...0x1F9FF, 0x1FA70...0x1FAFF, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]
}

/// Routes all text through `SafeText.escape`, so payload control characters are shown, not executed.
enum SafeTextBridge {
    static func escape(_ text: String) -> String { SafeText.escape(text) }
}
