import ArgumentParser

extension RTScope {
    /// `rtscope export`: send recordings to other systems (today: OpenTelemetry over OTLP).
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send recordings to an observability backend (OpenTelemetry OTLP).",
            subcommands: [ExportOTLP.self])
    }
}
