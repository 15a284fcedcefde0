import ArgumentParser
import Foundation
import RealtimeProxy
import RealtimeSimulation

extension RTScope {
    /// `rtscope replay`: drive a new session with a recording's client events and record it.
    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay a recording's client side against a server and record the new session.",
            discussion: """
                Sends the recorded client's events to a new session: session.update and items as \
                recorded, audio appends paced as recorded (--speed, --asap), response.create, and \
                response.cancel and truncates at the same point relative to the answer's audio. Each \
                event waits for the server event the recorded client had last received (the 3rd \
                response.done, the first audio of an answer), so the replay waits for each response as \
                the recorded client did. Ids the server chose are mapped to the new session's; a \
                function_call_output answers the new session's call with the same name and arguments \
                (else the next unanswered call) with the recorded output, or --tools FILE's \
                ({"name": output}). The new session goes through the recorder into NAME.replay.jsonl \
                beside the baseline (or --out); compare with `rtscope diff NAME.jsonl NAME.replay.jsonl`.

                Upstreams: --serve (the built-in simulator, in process; --fault NAME injects a fault), \
                --against ws://… (a URL without a path gets the recording's path and query), or --azure \
                URL --deployment NAME [--ga] / --openai [--model NAME] as `rtscope record`; keys come from \
                AZURE_OPENAI_API_KEY or OPENAI_API_KEY and are never written.

                EXIT CODES
                  0   the session was replayed and recorded
                  64  usage error
                  65  the input is not a recording, or holds no client events (nothing to replay)
                  66  the input cannot be opened or read
                  69  the upstream cannot be reached or refused the session
                  73  the new recording cannot be written
                """)

        @Argument(help: "The recording to replay.")
        var file: String

        @OptionGroup var upstream: ReplayUpstreamOptions

        @Option(help: "Where to write the new recording (default: NAME.replay.jsonl beside FILE).")
        var out: String?

        func validate() throws { try upstream.check() }

        func run() async throws {
            var options = try upstream.runnerOptions()
            options.out = out
            let path = try await ReplayRunner.run(file, upstream: try upstream.upstream(), options: options)
            LiveConsole.line("rtscope replay: wrote \(path)")
        }
    }
}
