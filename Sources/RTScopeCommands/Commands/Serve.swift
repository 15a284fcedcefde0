import ArgumentParser
import Foundation
import RealtimeProtocol
import RealtimeProxy
import RealtimeSimulation

extension RTScope {
    /// `rtscope serve`: the simulated Realtime server.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a local simulated Realtime server (for offline tests, CI and the demo).",
            discussion: """
                Speaks the protocol on /openai/realtime, /openai/v1/realtime and /v1/realtime: \
                session.created on connect, session.update, item create/retrieve/truncate/delete, \
                responses with properly nested items, parts and deltas (text, or PCM16 24 kHz audio with a \
                transcript), function calls when a configured tool is named in the user's text, server VAD \
                on appended audio with barge-in, commit/clear, cancel, and the documented errors. \
                A clean session validates with zero findings. --fault injects named protocol faults \
                (see --list-faults).
                """)

        @Option(help: "Address to listen on, host:port.")
        var listen = "127.0.0.1:8780"

        @Option(help: "Force a dialect (beta or ga); by default beta when the client asks for it, else GA.")
        var dialect: DialectArgument?

        @Option(
            help:
                "Require this made-up test key (api-key header, bearer token, api-key query or subprotocol); else 401. Never a real key: arguments are visible to other processes."
        )
        var requireKey: String?

        @Option(name: .customLong("fault"), help: "Inject a named protocol fault (repeatable; see --list-faults).")
        var faults: [String] = []

        @Flag(help: "List the faults --fault can inject, and exit.")
        var listFaults = false

        @Option(help: "Milliseconds between deltas (0: as fast as possible).")
        var deltaMs = 20

        @Option(
            help: "Answer clients with the server events of this recording, matching client events by type and order.")
        var replay: String?

        @Option(help: "Replay speed: 1 = recorded timing, 4 = four times faster, 0 = as fast as possible.")
        var speed = 1.0

        @Flag(help: "Allow listening on a non-loopback address.")
        var allowRemote = false

        func validate() throws {
            for name in faults where Fault(rawValue: name) == nil {
                throw ValidationError(
                    "Unknown fault '\(name)'; known: \(Fault.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            guard let address = ListenAddress.parse(listen) else {
                throw ValidationError("--listen must look like 127.0.0.1:8780.")
            }
            if !ListenAddress.isLoopback(address.host), !allowRemote {
                throw ValidationError(
                    "--listen \(listen) is not a loopback address; add --allow-remote if you mean it.")
            }
            guard speed >= 0 else { throw ValidationError("--speed must be 0 or more.") }
            guard deltaMs >= 0 else { throw ValidationError("--delta-ms must be 0 or more.") }
        }

        func run() async throws {
            if listFaults {
                for fault in Fault.allCases {
                    LiveConsole.line(
                        "\(fault.rawValue.padding(toLength: 26, withPad: " ", startingAt: 0)) \(fault.summary)")
                }
                return
            }
            var configuration = SimulatorServer.Configuration()
            (configuration.host, configuration.port) = ListenAddress.parse(listen) ?? ("127.0.0.1", 8780)
            configuration.dialect = dialect?.dialect
            configuration.requiredKey = requireKey
            configuration.options.faults = Set(faults.compactMap(Fault.init(rawValue:)))
            configuration.options.deltaIntervalMs = deltaMs
            if let replay {
                do {
                    configuration.replay = try SimulatorServer.replayFrames(from: replay)
                } catch {
                    Diagnostics.print("rtscope serve: \(error)")
                    throw ExitCodes.cannotRead
                }
                configuration.replaySpeed = speed
            }
            let server = SimulatorServer(configuration: configuration) { LiveConsole.line("rtscope serve: \($0)") }
            let listener: WebSocketListener<SimulatorServer.Accepted>
            ShutdownSignal.install()  // before "listening on": a signal right after it must not be lost
            do {
                listener = try await server.bind()
            } catch {
                Diagnostics.print("rtscope serve: cannot listen on \(listen): \(listenFailure(error)).")
                throw ExitCodes.cannotListen
            }
            LiveConsole.line(
                "rtscope serve: listening on ws://\(configuration.host):\(listener.port) (paths /openai/realtime, /openai/v1/realtime, /v1/realtime)"
            )
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await server.run(listener) }
                group.addTask {
                    await ShutdownSignal.wait()
                    listener.close()
                }
                await group.next()
                group.cancelAll()
            }
        }
    }
}
