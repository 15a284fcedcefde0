import Foundation
import RealtimeRecording

/// A JSON value with ordered object keys, for building the events the simulated server sends.
///
/// Key order is kept as written (`type` and `event_id` first, as the service does) and numbers are
/// written without exponent, so the same input always gives the same bytes.
public indirect enum JSON: Sendable, Equatable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null
    case array([JSON])
    case object([(String, JSON)])

    public static func == (a: JSON, b: JSON) -> Bool { a.encoded == b.encoded }

    /// The value as compact JSON text.
    public var encoded: String {
        var out = ""
        append(to: &out)
        return out
    }

    private func append(to out: inout String) {
        switch self {
        case .string(let s): Self.quote(s, into: &out)
        case .int(let i): out += String(i)
        case .double(let d): out += d.isFinite ? (d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : "\(d)") : "null"
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.append(to: &out)
            }
            out += "]"
        case .object(let pairs):
            out += "{"
            for (i, (key, value)) in pairs.enumerated() {
                if i > 0 { out += "," }
                Self.quote(key, into: &out)
                out += ":"
                value.append(to: &out)
            }
            out += "}"
        }
    }

    private static func quote(_ s: String, into out: inout String) { out += JSONText.quoted(s) }

    /// Converts a Foundation JSON value (from `JSONSerialization`); object keys are sorted.
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

    /// The member `key` of an object (nil for other values or a missing key).
    public subscript(key: String) -> JSON? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var double: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }

    public var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var array: [JSON]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var isNull: Bool { self == .null }

    /// This object with `other`'s members merged in: objects merge key by key (recursively when
    /// `deep`), anything else is replaced.
    public func merging(_ other: JSON, deep: Bool) -> JSON {
        guard case .object(var pairs) = self, case .object(let new) = other else { return other }
        for (key, value) in new {
            if let i = pairs.firstIndex(where: { $0.0 == key }) {
                pairs[i].1 = deep ? pairs[i].1.merging(value, deep: true) : value
            } else {
                pairs.append((key, value))
            }
        }
        return .object(pairs)
    }

    /// Sets `key` on an object (replacing or appending).
    public mutating func set(_ key: String, _ value: JSON) {
        guard case .object(var pairs) = self else { return }
        if let i = pairs.firstIndex(where: { $0.0 == key }) { pairs[i].1 = value } else { pairs.append((key, value)) }
        self = .object(pairs)
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
}
