import Foundation
public import RealtimeProtocol
public import RealtimeRecording

/// One recorded frame as the validator sees it: position, direction and the decoded event.
///
/// Built by `ValidationRun` from a recording line, or by the recording proxy from a live frame;
/// the validator itself does no I/O.
public struct ValidatorEvent {
    /// 1-based JSONL line (0 when live and there is no file yet).
    public let line: Int
    /// 1-based ordinal of the frame.
    public let index: Int
    public let tUs: Int64
    public let direction: Direction
    public let opcode: Opcode
    /// The decoded JSON object, or `nil` when the payload is not a JSON object.
    public let object: [String: Any]?

    public init(line: Int, index: Int, tUs: Int64, direction: Direction, opcode: Opcode, object: [String: Any]?) {
        self.line = line
        self.index = index
        self.tUs = tUs
        self.direction = direction
        self.opcode = opcode
        self.object = object
    }
}

/// Typed access to decoded JSON by dot paths (numeric components index arrays).
enum JSON {
    static func value(_ object: Any?, _ path: String) -> Any? {
        guard let object else { return nil }
        return EventSummary.value(at: path, in: object)
    }

    static func string(_ object: Any?, _ path: String) -> String? { value(object, path) as? String }

    static func int(_ object: Any?, _ path: String) -> Int? {
        guard let n = value(object, path) as? NSNumber, kind(n) == .integer else { return nil }
        return n.intValue
    }

    static func double(_ object: Any?, _ path: String) -> Double? {
        guard let n = value(object, path) as? NSNumber, kind(n) != .boolean else { return nil }
        return n.doubleValue
    }

    static func dict(_ object: Any?, _ path: String) -> [String: Any]? { value(object, path) as? [String: Any] }

    static func array(_ object: Any?, _ path: String) -> [Any]? { value(object, path) as? [Any] }

    /// Whether `path` is present with a non-null value.
    static func isSet(_ object: Any?, _ path: String) -> Bool {
        guard let v = value(object, path) else { return false }
        return !(v is NSNull)
    }

    /// The JSON kind of a decoded value.
    static func kind(_ value: Any) -> JSONKind {
        switch value {
        case is NSNull: return .null
        case is String: return .string
        case is [Any]: return .array
        case is [String: Any]: return .object
        case let n as NSNumber:
            switch String(cString: n.objCType) {
            case "c", "B": return .boolean
            case "d", "f":
                return n.doubleValue.rounded() == n.doubleValue && abs(n.doubleValue) < 1e15 ? .integer : .number
            default: return .integer
            }
        default: return .null
        }
    }

    /// A short rendering of a value for Expected/Actual lines.
    static func render(_ value: Any?) -> String {
        guard let value else { return "(absent)" }
        if value is NSNull { return "null" }
        if let s = value as? String { return JSONText.quoted(s.count > 80 ? String(s.prefix(80)) + "…" : s) }
        if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys]) {
            let text = String(decoding: data, as: UTF8.self)
            return text.count > 120 ? String(text.prefix(120)) + "…" : text
        }
        return "\(value)"
    }
}
