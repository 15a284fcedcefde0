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

    /// The summary of `event` (a decoded event object), using `spec`'s summary fields.
    ///
    /// Unknown events show their first few scalar fields (keys sorted).
    public static func summarize(_ event: JSON, spec: EventSpec?, maxText: Int = 120, escaped: Bool = true) -> String {
        guard let spec else {
            var last: [String: JSON] = [:]
            for (key, value) in event.object ?? [] where key != "type" && key != "event_id" { last[key] = value }
            return last.keys.sorted().prefix(4).compactMap { key -> String? in
                guard let value = scalar(last[key], escaped) else { return nil }
                return (escaped ? SafeText.escape(key) : key) + "=" + value
            }.joined(separator: " ")
        }
        var parts: [String] = []
        for field in spec.summary {
            guard let value = event.value(at: field.path), !value.isNull else { continue }
            switch field {
            case .text:
                guard let text = value.string else { continue }
                parts.append(quote(text, max: maxText, escaped: escaped))
            case .audio:
                guard let b64 = value.string else { continue }
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

    private static func scalar(_ value: JSON?, _ escaped: Bool = true) -> String? {
        switch value {
        case .string(let s)?:
            return s.count > 60 ? quote(s, max: 60, escaped: escaped) : escaped ? SafeText.escape(s) : s
        case .bool(let b)?: return b ? "true" : "false"
        case .int, .double, .bigInteger: return value?.encoded
        default: return nil
        }
    }

    private static func compactArray(_ value: JSON, _ escaped: Bool) -> String? {
        guard let array = value.array, array.count <= 6 else { return nil }
        let items = array.compactMap { scalar($0, escaped) }
        return items.count == array.count ? "[" + items.joined(separator: ",") + "]" : nil
    }
}
