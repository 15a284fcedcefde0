import ArgumentParser
import RealtimeProtocol

/// `beta` or `ga` on the command line (`events`, `serve`, `demo`).
struct DialectArgument: ExpressibleByArgument {
    let dialect: Dialect

    init(_ dialect: Dialect) { self.dialect = dialect }

    init?(argument: String) {
        guard let dialect = Dialect(rawValue: argument.lowercased()) else { return nil }
        self.dialect = dialect
    }

    static var allValueStrings: [String] { Dialect.allCases.map(\.rawValue) }

    var defaultValueDescription: String { dialect.rawValue }
}
