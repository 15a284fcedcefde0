/// The two wire dialects of the Realtime API.
///
/// `beta` is the "realtime=v1" protocol (OpenAI with the `OpenAI-Beta` header, Azure
/// `/openai/realtime?api-version=…`); `ga` is the generally available protocol
/// (`/v1/realtime` without the beta header, Azure `/openai/v1/realtime`).
public enum Dialect: String, Sendable, Hashable, CaseIterable, Codable {
    case beta
    case ga
}

/// A set of dialects in which an event exists.
public struct DialectSet: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let beta = DialectSet(rawValue: 1)
    public static let ga = DialectSet(rawValue: 2)
    public static let both: DialectSet = [.beta, .ga]

    /// Whether the set holds `dialect`.
    public func includes(_ dialect: Dialect) -> Bool {
        switch dialect {
        case .beta: contains(DialectSet.beta)
        case .ga: contains(DialectSet.ga)
        }
    }

    /// Dialect names in a stable order, for example `["beta", "ga"]`.
    public var names: [String] {
        Dialect.allCases.filter { includes($0) }.map(\.rawValue)
    }
}
