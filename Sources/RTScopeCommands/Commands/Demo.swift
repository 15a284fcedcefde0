import ArgumentParser
import Foundation
import RealtimeProtocol
import RealtimeSimulation

extension RTScope {
    /// `rtscope demo`: the whole loop on an embedded simulated server.
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a scripted session against the built-in simulated server, validate it, and show it.",
            discussion: """
                Starts `serve` and `record` in-process on free loopback ports, drives a short client \
                session through the recorder (a text exchange, a function call, an audio turn with server \
                VAD, and a barge-in that interrupts an answer), validates the recording, and opens the \
                timeline on it; without a terminal it prints the `cat` view and the validation summary. \
                Progress is printed as the session goes; if the server falls silent for 5 s the session \
                is cut there and what was recorded is validated. Exit code 1 when the recording has \
                errors (as with a --fault) or the scripted session did not finish.
                """)

        @Option(help: "Folder for the recording (default: a new temporary folder).")
        var out: String?

        @Option(help: "Dialect of the session: beta or ga.")
        var dialect = DialectArgument(.ga)

        @Flag(help: "Print the event listing and validation instead of opening the timeline.")
        var noView = false

        @Option(
            name: .customLong("fault"),
            help: "Run the demo against a faulty server (see `rtscope serve --list-faults`).")
        var faults: [String] = []

        func validate() throws {
            for name in faults where Fault(rawValue: name) == nil {
                throw ValidationError(
                    "Unknown fault '\(name)'; known: \(Fault.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
        }

        func run() async throws {
            let interactive = !noView && isatty(0) == 1 && isatty(1) == 1
            try await DemoRunner.run(out: out, dialect: dialect.dialect, faults: faults, interactive: interactive)
        }
    }
}
