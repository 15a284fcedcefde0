import RealtimeProtocol
import RealtimeRecording

/// Pretty-prints a `JSONValue` in its original key order as styled segments, one array per line.
///
/// Long base64 strings (audio) are replaced by their size and duration.
enum PrettyJSON {
    typealias Line = [(String, CellStyle)]

    static func lines(_ value: JSONValue) -> [Line] {
        var out: [Line] = []
        var current: Line = []
        emit(value, indent: 0, key: nil, trailingComma: false, into: &out, &current)
        if !current.isEmpty { out.append(current) }
        return out
    }

    private static func emit(
        _ value: JSONValue, indent: Int, key: String?, trailingComma: Bool, into out: inout [Line], _ line: inout Line
    ) {
        line.append((String(repeating: "  ", count: indent), .plain))
        if let key { line += [("\"\(key)\"", .key), (": ", .punctuation)] }
        let comma: [(String, CellStyle)] = trailingComma ? [(",", .punctuation)] : []
        if value.isObject || value.isArray {
            let (open, close) = value.isObject ? ("{", "}") : ("[", "]")
            let children = value.children
            if children.isEmpty {
                line += [(open + close, .punctuation)] + comma
                out.append(line)
                line = []
                return
            }
            line.append((open, .punctuation))
            out.append(line)
            line = []
            for (k, child) in children.enumerated() {
                emit(
                    child, indent: indent + 1, key: value.isObject ? child.key : nil,
                    trailingComma: k < children.count - 1, into: &out, &line)
            }
            line += [(String(repeating: "  ", count: indent) + close, .punctuation)] + comma
            out.append(line)
            line = []
            return
        }
        switch value.kind {
        case .string:
            let text = value.string ?? ""
            if text.utf8.count > 120, isBase64(text) {
                let bytes = text.utf8.count / 4 * 3
                let ms = Int((Double(bytes) / EventSummary.pcm16BytesPerMs).rounded())
                line.append(("<base64 \(EventSummary.size(bytes)) ≈ \(ms) ms as pcm16>", .dim))
            } else {
                line.append((JSONText.quoted(text), .string))
            }
        case .null, .boolean: line.append((value.rawText, .key))
        default: line.append((value.rawText, .number))
        }
        line += comma
        out.append(line)
        line = []
    }

    private static func isBase64(_ text: String) -> Bool {
        text.utf8.allSatisfy { b in
            (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2B || b == 0x2F
                || b == 0x3D
        }
    }
}
