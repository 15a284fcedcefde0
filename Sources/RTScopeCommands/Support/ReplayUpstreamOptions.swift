import ArgumentParser
import Foundation
import RealtimeProxy
import RealtimeRecording
import RealtimeSimulation

/// The upstream, pacing and tool options `replay` and `test` share.
struct ReplayUpstreamOptions: ParsableArguments {
    @Flag(help: "Replay against the built-in simulated server, in process.")
    var serve = false

    @Option(help: "With --serve: inject a simulator fault (repeatable; see `rtscope serve --help`).")
    var fault: [String] = []

    @Option(help: "Any ws:// or wss:// upstream URL, used as given.")
    var against: String?

    @Option(help: "Azure OpenAI resource endpoint, e.g. https://myres.openai.azure.com.")
    var azure: String?

    @Option(help: "Azure deployment name (default: the one the recording asked for).")
    var deployment: String?

    @Flag(help: "Use Azure's GA form /openai/v1/realtime?model=<deployment>.")
    var ga = false

    @Flag(help: "Replay against OpenAI (wss://api.openai.com/v1/realtime).")
    var openai = false

    @Option(help: "OpenAI model (default: the one the recording asked for).")
    var model: String?

    @Option(help: "Replay speed: 1 = recorded timing, 2 = twice as fast.")
    var speed = 1.0

    @Flag(help: "Send each event as soon as the server event it waits for arrives (no recorded pauses).")
    var asap = false

    @Option(help: "A JSON file mapping a function name to the fixed output its calls get.")
    var tools: String?

    @Option(
        help:
            "Seconds to wait for a server event the recorded client had seen (and, at the end, for the last responses) before giving up on it."
    )
    var waitLimit = 10.0

    @Option(help: "Seconds the whole replay may take.")
    var timeout = 300.0

    func check() throws {
        let chosen = [serve, against != nil, azure != nil, openai].filter { $0 }.count
        guard chosen == 1 else {
            throw ValidationError("Choose exactly one upstream: --serve, --against URL, --azure URL or --openai.")
        }
        if !fault.isEmpty, !serve { throw ValidationError("--fault goes with --serve.") }
        for name in fault where Fault(rawValue: name) == nil {
            throw ValidationError(
                "Unknown fault '\(name)'; faults: \(Fault.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        if let against, WebSocketURL(against) == nil {
            throw ValidationError("--against must be a ws:// or wss:// URL, got '\(against)'.")
        }
        if let azure, WebSocketURL(azure) == nil {
            throw ValidationError("--azure must be an https:// endpoint such as https://myres.openai.azure.com.")
        }
        guard speed > 0, speed <= 1000, waitLimit > 0, waitLimit <= 3600, timeout > 0, timeout <= 86_400 else {
            throw ValidationError(
                "--speed must be above 0 (at most 1000), --wait-limit 0 to 3600 s, --timeout 0 to 86400 s.")
        }
    }

    func upstream() throws -> ReplayRunner.Upstream {
        if serve { return .serve(faults: fault.compactMap(Fault.init(rawValue:))) }
        if let against, let url = WebSocketURL(against) { return .target(.url(url)) }
        if let azure, let url = WebSocketURL(azure) {
            return .target(.azure(base: url, deployment: deployment, ga: ga))
        }
        return .target(.openai(model: model))
    }

    /// Pacing, tools and limits; reads --tools (one sentence and 65/66 when it is not a JSON object).
    func runnerOptions() throws -> ReplayRunner.Options {
        var options = ReplayRunner.Options()
        options.replay.speed = asap ? 0 : speed
        options.replay.waitLimitMs = Int64(waitLimit * 1000)
        options.timeout = .milliseconds(Int64(timeout * 1000))
        if let tools {
            guard let data = FileManager.default.contents(atPath: tools) else {
                Diagnostics.print("rtscope replay: \(tools): cannot read the tools file.")
                throw ExitCodes.cannotRead
            }
            guard let parsed = try? JSON(parsing: [UInt8](data)), case .object(let members) = parsed.keysSorted else {
                Diagnostics.print("rtscope replay: \(tools): not a JSON object mapping function names to outputs.")
                throw ExitCodes.notARecording
            }
            for (name, value) in members {
                // A string is the output itself; any other value is sent as its JSON text (keys sorted).
                options.replay.toolOutputs[name] = value.string ?? value.encoded
            }
        }
        return options
    }
}
