import Foundation
import RealtimeProtocol
import RealtimeRecording

/// `EventSummary.summarize` over a tape `JSONValue` (the timeline's event cache holds tape values, not Foundation
/// objects): the same text for the same event, field by field.
///
/// Numbers print as Foundation printed the numbers it decoded (integers as written, others through `NSNumber`), so
/// summaries did not change when the cache moved off `JSONSerialization`.
enum ValueSummary {
    /// The summary of `event` using `spec`'s summary fields; unknown events show their first few scalar fields.
    static func summarize(_ event: JSONValue, spec: EventSpec?, maxText: Int, escaped: Bool) -> String {
        guard let spec else {
            let keys = Set(event.children.compactMap(\.key)).filter { $0 != "type" && $0 != "event_id" }.sorted()
                .prefix(4)
            return keys.compactMap { key -> String? in
                guard let value = event[key].flatMap({ scalar($0, escaped) }) else { return nil }
                return (escaped ? SafeText.escape(key) : key) + "=" + value
            }.joined(separator: " ")
        }
        var parts: [String] = []
        for field in spec.summary {
            guard let value = event.value(at: field.path), !value.isNull else { continue }
            switch field {
            case .text:
                guard let text = value.string else { continue }
                parts.append(EventSummary.quote(text, max: maxText, escaped: escaped))
            case .audio:
                guard value.kind == .string else { continue }
                let length = value.isEscapedString ? (value.string?.utf8.count ?? 0) : value.byteCount
                parts.append(EventSummary.audio(base64Length: length))
            case .value(let path):
                let label = path.split(separator: ".").last(where: { Int($0) == nil }).map(String.init) ?? path
                if let rendered = scalar(value, escaped) ?? compactArray(value, escaped) {
                    parts.append("\(label)=\(rendered)")
                }
            }
        }
        return parts.joined(separator: " ")
    }

    private static func scalar(_ value: JSONValue, _ escaped: Bool) -> String? {
        switch value.kind {
        case .string:
            guard let s = value.string else { return nil }
            return s.count > 60 ? EventSummary.quote(s, max: 60, escaped: escaped) : escaped ? SafeText.escape(s) : s
        case .boolean: return value.bool == true ? "true" : "false"
        case .integer:
            if let n = value.int { return String(n) }
            if let n = UInt64(value.rawText) { return String(n) }  // Foundation keeps these exact too
            return value.double.map { NSNumber(value: $0).stringValue }
        case .number: return value.double.map { NSNumber(value: $0).stringValue }
        default: return nil
        }
    }

    private static func compactArray(_ value: JSONValue, _ escaped: Bool) -> String? {
        guard value.isArray, value.count <= 6 else { return nil }
        let items = value.children.compactMap { scalar($0, escaped) }
        return items.count == value.count ? "[" + items.joined(separator: ",") + "]" : nil
    }
}
