import Foundation
import RealtimeRecording

/// Test-only bridge to Foundation's decoded values (`[String: Any]`, `NSNumber`, `NSNull`).
///
/// The tests use `JSONSerialization` as an independent oracle for the tree's parser and serializer; the library itself
/// has no Foundation JSON.
extension JSON {
    /// Converts a Foundation JSON value; object keys are sorted (a dictionary has no order).
    init(foundation value: Any?) {
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
    var foundationValue: Any {
        switch self {
        case .string(let s): s
        case .int(let i): NSNumber(value: i)
        case .double(let d): NSNumber(value: d)
        case .bigInteger(let text): NSDecimalNumber(string: text)
        case .bool(let b): NSNumber(value: b)
        case .null: NSNull()
        case .array(let items): items.map(\.foundationValue)
        case .object(let pairs):
            Dictionary(pairs.map { ($0.0, $0.1.foundationValue) }, uniquingKeysWith: { _, last in last })
        }
    }
}
