/// One span of the OpenTelemetry view of a recorded session, as plain values.
///
/// Spans have explicit start and end times, span events and attributes. Sans-I/O: `SessionTelemetry` builds it from a session
/// model, and an exporter (RealtimeOTLP) only copies it onto the wire.
///
/// Invariants: every span's `parent` is an index into the same array that precedes it (index 0 is
/// the session root, whose parent is nil); `startNanos <= endNanos`; times are nanoseconds since
/// the Unix epoch, taken from the recording's clock (docs/observability.md says how).
public struct TelemetrySpan: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable { case session, turn, response, toolCall = "tool_call" }

    public let kind: Kind
    public let name: String
    /// Index of the parent span in the same list; nil for the session root.
    public let parent: Int?
    public var startNanos: UInt64
    public var endNanos: UInt64
    /// Whether the span ended in an error (a failed response, a server error inside it).
    public var isError = false
    public var attributes: [TelemetryAttribute] = []
    public var events: [TelemetryEvent] = []

    public init(kind: Kind, name: String, parent: Int?, startNanos: UInt64, endNanos: UInt64) {
        self.kind = kind
        self.name = name
        self.parent = parent
        self.startNanos = startNanos
        self.endNanos = max(startNanos, endNanos)
    }

    /// The value of attribute `key`, if set.
    public func attribute(_ key: String) -> TelemetryValue? { attributes.last { $0.key == key }?.value }
}

/// A point in a span: first audio, an error, a validation finding.
public struct TelemetryEvent: Sendable, Equatable {
    public let name: String
    public let timeNanos: UInt64
    public var attributes: [TelemetryAttribute]

    public init(name: String, timeNanos: UInt64, attributes: [TelemetryAttribute] = []) {
        self.name = name
        self.timeNanos = timeNanos
        self.attributes = attributes
    }

    public func attribute(_ key: String) -> TelemetryValue? { attributes.last { $0.key == key }?.value }
}

public struct TelemetryAttribute: Sendable, Equatable {
    public let key: String
    public let value: TelemetryValue

    public init(_ key: String, _ value: TelemetryValue) {
        self.key = key
        self.value = value
    }
}

/// The attribute value types OTLP carries that rtscope uses.
public enum TelemetryValue: Sendable, Equatable, CustomStringConvertible {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case strings([String])

    public var description: String {
        switch self {
        case .string(let s): s
        case .int(let i): String(i)
        case .double(let d): String(d)
        case .bool(let b): String(b)
        case .strings(let a): a.joined(separator: ",")
        }
    }
}

/// Appends attributes, skipping nil values (an attribute is absent rather than empty or 0).
struct AttributeList {
    var items: [TelemetryAttribute] = []

    mutating func add(_ key: String, _ value: String?) { if let value { items.append(.init(key, .string(value))) } }
    mutating func add(_ key: String, _ value: Int?) { if let value { items.append(.init(key, .int(Int64(value)))) } }
    mutating func add(_ key: String, _ value: Double?) { if let value { items.append(.init(key, .double(value))) } }
    mutating func add(_ key: String, _ value: Bool) { items.append(.init(key, .bool(value))) }
    mutating func add(_ key: String, _ value: [String]?) { if let value { items.append(.init(key, .strings(value))) } }
}
