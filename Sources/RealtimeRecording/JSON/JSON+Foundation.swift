public import Foundation

/// Bridging to Foundation's decoded values (`[String: Any]`, `NSNumber`, `NSNull`), without `JSONSerialization`.
///
/// Kept for TimelineModel until it moves to JSON (it reads events as `[String: Any]` through
/// `RecordingIndex.eventObject` and `RecordLine.eventObject()`), and for callers written against the simulator's old
/// `JSON(foundation:)`. New code should use `JSON` directly.
extension JSON {
    /// Converts a Foundation JSON value; object keys are sorted (a dictionary has no order).
    public init(foundation value: Any?) {
        switch value {
        case let s as String: self = .string(s)
        case let n as NSNumber:
            if String(cString: n.objCType) == "c" {  // how Foundation marks a JSON true/false
                self = .bool(n.boolValue)
            } else if let i = Int(exactly: n.doubleValue), !"\(n)".contains(".") {
                self = .int(i)
            } else {
                self = .double(n.doubleValue)
            }
        case let a as [Any]: self = .array(a.map { JSON(foundation: $0) })
        case let o as [String: Any]: self = .object(o.keys.sorted().map { ($0, JSON(foundation: o[$0])) })
        default: self = .null
        }
    }

    /// The value as Foundation objects, shaped as `JSONSerialization` decodes them: `String`, `NSNumber` (numbers and
    /// booleans), `NSNull`, `[Any]`, `[String: Any]` (a repeated key: the last member).
    public var foundationValue: Any {
        switch self {
        case .string(let s): s
        case .int(let i): NSNumber(value: i)
        case .double(let d): NSNumber(value: d)
        case .bool(let b): NSNumber(value: b)
        case .null: NSNull()
        case .array(let items): items.map(\.foundationValue)
        case .object(let pairs):
            Dictionary(pairs.map { ($0.0, $0.1.foundationValue) }, uniquingKeysWith: { _, last in last })
        }
    }
}

extension JSON: ExpressibleByDictionaryLiteral {
    /// An object with the members in the order written.
    public init(dictionaryLiteral elements: (String, JSON)...) { self = .object(elements) }
}
