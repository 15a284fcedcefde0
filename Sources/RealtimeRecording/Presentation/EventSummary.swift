import Foundation
public import RealtimeProtocol

/// One-line summaries of events, driven by each event's `summary` fields in the catalog.
///
/// All payload text is passed through `SafeText.escape`, so summaries can go to a terminal; with `escaped: false` it is
/// not, for a caller that escapes at its own output boundary (the timeline's `ScreenBuffer`), so nothing is escaped
/// twice.
public enum EventSummary {
    /// Bytes of audio per millisecond assumed for durations: pcm16 mono at 24 kHz.
    public static let pcm16BytesPerMs = 48.0

    /// The value at a dot-separated path (numeric components index arrays).
    public static func value(at path: String, in object: Any) -> Any? {
        var current: Any? = object
        for component in path.split(separator: ".") {
            if let dict = current as? [String: Any] {
                current = dict[String(component)]
            } else if let array = current as? [Any], let index = Int(component), index >= 0, index < array.count {
                current = array[index]
            } else {
                return nil
            }
        }
        return current
    }

    /// The summary of `event` (a decoded event object), using `spec`'s summary fields.
    ///
    /// Unknown events show their first few scalar fields.
    public static func summarize(_ event: [String: Any], spec: EventSpec?, maxText: Int = 120, escaped: Bool = true)
        -> String
    {
        guard let spec else {
            let keys = event.keys.filter { $0 != "type" && $0 != "event_id" }.sorted().prefix(4)
            return keys.compactMap { key -> String? in
                guard let value = scalar(event[key], escaped) else { return nil }
                return (escaped ? SafeText.escape(key) : key) + "=" + value
            }.joined(separator: " ")
        }
        var parts: [String] = []
        for field in spec.summary {
            guard let value = value(at: field.path, in: event), !(value is NSNull) else { continue }
            switch field {
            case .text:
                guard let text = value as? String else { continue }
                parts.append(quote(text, max: maxText, escaped: escaped))
            case .audio:
                guard let b64 = value as? String else { continue }
                parts.append(audio(base64Length: b64.utf8.count))
            case .value(let path):
                let label = path.split(separator: ".").last(where: { Int($0) == nil }).map(String.init) ?? path
                if let rendered = scalar(value, escaped) ?? compactArray(value, escaped) {
                    parts.append("\(label)=\(rendered)")
                }
            }
        }
        return parts.joined(separator: " ")
    }

    /// `"text"` escaped for a terminal (unless `escaped` is false) and cut to `max` characters with an ellipsis.
    public static func quote(_ text: String, max: Int, escaped: Bool = true) -> String {
        let safe = escaped ? SafeText.escape(text) : text
        return "\"" + (safe.count > max ? String(safe.prefix(max)) + "…" : safe) + "\""
    }

    /// `audio 9.4 KB ≈ 200 ms` for a base64 string of the given length (pcm16 24 kHz assumed).
    public static func audio(base64Length: Int) -> String {
        let bytes = base64Length / 4 * 3
        return "audio \(size(bytes)) ≈ \(Int((Double(bytes) / pcm16BytesPerMs).rounded())) ms"
    }

    /// A byte count for humans: `812 B`, `9.4 KB`, `3.1 MB`.
    public static func size(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        if bytes < 1024 * 1024 { return String(format: "%.1f KB", Double(bytes) / 1024) }
        return String(format: "%.1f MB", Double(bytes) / 1_048_576)
    }

    private static func scalar(_ value: Any?, _ escaped: Bool = true) -> String? {
        switch value {
        case let s as String:
            return s.count > 60 ? quote(s, max: 60, escaped: escaped) : escaped ? SafeText.escape(s) : s
        case let n as NSNumber:
            if String(cString: n.objCType) == "c" { return n.boolValue ? "true" : "false" }
            return n.stringValue
        default: return nil
        }
    }

    private static func compactArray(_ value: Any, _ escaped: Bool) -> String? {
        guard let array = value as? [Any], array.count <= 6 else { return nil }
        let items = array.compactMap { scalar($0, escaped) }
        return items.count == array.count ? "[" + items.joined(separator: ",") + "]" : nil
    }
}
