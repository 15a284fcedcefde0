public import RealtimeProtocol

/// The decoded JSON tree: the one value type for code that builds, edits or walks whole JSON documents (the
/// simulator's events, reports, importers, replay).
///
/// Hot paths that only read a few fields keep using the tape (`JSONTape`/`JSONValue`); `JSON(_:)` converts a tape
/// value, `JSON(parsing:)` parses text (validated by `LineScanner`, built on the tape).
///
/// Invariants and limits:
/// - Object members keep their order and, when a parsed object repeats a key, every member: lookups read the last
///   member of that name, as the tape, `jq` and JavaScript do; `set` and `merging` replace that member.
/// - Numbers keep the integer/float distinction: integers that fit `Int` are `.int` (exact); integers beyond `Int` are
///   `.bigInteger` with their digits as written (exact, so nothing read is lost on the way out); other numbers are
///   `.double` (rounded to the nearest double).
/// - Two values are equal when their compact encodings are (so key order counts and `1.0` equals `1`).
/// - Nesting is bounded by the parser (`LineScanner`'s 512 levels); values built in code should stay within that too.
public indirect enum JSON: Sendable, Equatable {
    case string(String)
    case int(Int)
    case double(Double)
    /// An integer outside `Int`'s range, as its decimal text (`-?[0-9]+`); read as a number by `double`.
    case bigInteger(String)
    case bool(Bool)
    case null
    case array([JSON])
    case object([(String, JSON)])

    public static func == (a: JSON, b: JSON) -> Bool { a.encoded == b.encoded }

    /// The member `key` of an object (the last one when the key repeats; nil for other values or a missing key).
    public subscript(key: String) -> JSON? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.last { $0.0 == key }?.1
    }

    /// The element at `index` of an array (nil for other values or out of range).
    public subscript(index: Int) -> JSON? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }

    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The value of an integer (`.int`); nil for other values, floats included.
    public var int: Int? {
        if case .int(let i) = self { return i }
        return nil
    }

    /// The value of any number.
    public var double: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        case .bigInteger(let text): Double(text)
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

    /// The members of an object, in order.
    public var object: [(String, JSON)]? {
        if case .object(let pairs) = self { return pairs }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The JSON kind, as the tape reports it (`integer` for `.int`).
    public var kind: JSONKind {
        switch self {
        case .string: .string
        case .int, .bigInteger: .integer
        case .double: .number
        case .bool: .boolean
        case .null: .null
        case .array: .array
        case .object: .object
        }
    }

    /// This object with `other`'s members merged in: objects merge key by key (recursively when
    /// `deep`), anything else is replaced.
    public func merging(_ other: JSON, deep: Bool) -> JSON {
        guard case .object(var pairs) = self, case .object(let new) = other else { return other }
        for (key, value) in new {
            if let i = pairs.lastIndex(where: { $0.0 == key }) {
                pairs[i].1 = deep ? pairs[i].1.merging(value, deep: true) : value
            } else {
                pairs.append((key, value))
            }
        }
        return .object(pairs)
    }

    /// This value with every object's members sorted by key, recursively, and a repeated key reduced to the member
    /// lookups read (the last): the shape a decode into a dictionary gives, for output that must not depend on the
    /// order keys came in.
    public var keysSorted: JSON {
        switch self {
        case .array(let items): return .array(items.map(\.keysSorted))
        case .object(let pairs):
            var last: [String: JSON] = [:]
            for (key, value) in pairs { last[key] = value }
            return .object(last.sorted { $0.key < $1.key }.map { ($0.key, $0.value.keysSorted) })
        default: return self
        }
    }

    /// Sets `key` on an object (replacing the member lookups read, or appending); other values are left as they are.
    public mutating func set(_ key: String, _ value: JSON) {
        guard case .object(var pairs) = self else { return }
        if let i = pairs.lastIndex(where: { $0.0 == key }) { pairs[i].1 = value } else { pairs.append((key, value)) }
        self = .object(pairs)
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
}

extension JSON {
    /// A string, or `null` for nil.
    public init(_ value: String?) { self = value.map { .string($0) } ?? .null }
    /// An integer, or `null` for nil.
    public init(_ value: Int?) { self = value.map { .int($0) } ?? .null }
    /// A number, or `null` for nil.
    public init(_ value: Double?) { self = value.map { .double($0) } ?? .null }
}
