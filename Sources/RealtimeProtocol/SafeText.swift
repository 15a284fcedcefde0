/// Makes payload text safe to print on a terminal.
///
/// Payloads come from the network: a transcript can contain `ESC [ 2 J` or an OSC sequence that
/// would clear or retitle the user's terminal. Every C0 control (U+0000–U+001F), DEL (U+007F)
/// and C1 control (U+0080–U+009F) is replaced by a visible escape (`\e`, `\n`, `\t`, `\r`,
/// `\x07`, `\u{9b}`); everything else, wide characters included, passes through unchanged.
public enum SafeText {
    /// The escaped form of `text`.
    public static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard isControl(scalar) else {
                out.append(scalar)
                continue
            }
            let visible: String
            switch scalar.value {
            case 0x1B: visible = "\\e"
            case 0x0A: visible = "\\n"
            case 0x0D: visible = "\\r"
            case 0x09: visible = "\\t"
            case 0x00...0x7F: visible = "\\x" + hex(scalar.value, width: 2)
            default: visible = "\\u{" + hex(scalar.value, width: 2) + "}"
            }
            out.append(contentsOf: visible.unicodeScalars)
        }
        return String(out)
    }

    /// Whether a scalar is a C0 or C1 control character or DEL.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (scalar.value >= 0x7F && scalar.value <= 0x9F)
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
