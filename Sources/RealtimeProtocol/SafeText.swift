/// Makes payload text safe to print on a terminal: the one escaping function every command and
/// the timeline use at their output boundary.
///
/// Payloads come from the network: a transcript can contain `ESC [ 2 J`, an OSC 52 clipboard
/// write or a right-to-left override that reorders what the user reads. Every C0 control
/// (U+0000–U+001F), DEL (U+007F), C1 control (U+0080–U+009F) and bidirectional formatting
/// control (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates, and the marks U+200E,
/// U+200F, U+061C) is replaced by a visible escape (`\e`, `\n`, `\t`, `\r`, `\x07`, `\u{9b}`,
/// `\u{202e}`); everything else, wide characters included, passes through unchanged.
///
/// Invariant: the result contains no scalar for which `isUnsafe` is true, and escaping is
/// idempotent on its own output's safety (escaping twice shows the backslashes, never a control).
public enum SafeText {
    /// The escaped form of `text`.
    public static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard isUnsafe(scalar) else {
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

    /// Whether a scalar is a bidirectional formatting control (embedding, override, isolate or mark).
    public static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true
        default: return false
        }
    }

    /// Whether `escape` replaces this scalar: a control character or a bidi control.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        isControl(scalar) || isBidiControl(scalar)
    }

    /// Whether `text` would print unchanged (contains nothing `escape` replaces).
    public static func isSafe(_ text: String) -> Bool {
        !text.unicodeScalars.contains(where: isUnsafe)
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
