import ArgumentParser
import RealtimeProtocol

extension RTScope {
    /// `rtscope events`: print the event catalog.
    struct Events: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the Realtime protocol events rtscope knows (the event catalog).",
            discussion: "The catalog covers the beta (realtime=v1) and GA dialects; ≈ names the other dialect's name.")

        @Flag(help: "Print JSON: every field with its types, enums and nullability, ids, answers, streams, notes.")
        var json = false

        @Option(help: "Only events of this dialect (beta or ga).")
        var dialect: DialectArgument?

        @Option(help: "Only events sent by the client or by the server.")
        var dir: DirectionArgument?

        @Option(name: .customLong("type"), help: "Only events whose name matches this glob.")
        var type: String?

        func run() throws {
            let catalog = EventCatalog.standard
            let specs = EventsListing.select(
                catalog, dialect: dialect?.dialect, direction: dir?.direction, type: type.map(TypeGlob.init))
            let out = Output()
            out.write(
                json
                    ? try EventsListing.json(specs, catalog: catalog) + "\n"
                    : EventsListing.table(specs, catalog: catalog))
            try out.finish()
        }
    }
}
