public import ArgumentParser
import RealtimeRecording

/// The `rtscope` root command: configuration only; each subcommand lives in Commands/.
public struct RTScope: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rtscope",
        abstract: "Record, validate and inspect OpenAI / Azure OpenAI Realtime API sessions.",
        discussion: """
            Start with `rtscope demo`: it records a scripted session against the built-in simulated \
            server, validates it and opens the timeline. Then `rtscope record` in front of your own app.

            Recordings are JSONL files (format v1, docs/recording-format.md): a header line, then one \
            line per WebSocket frame with its direction, timing and the payload byte for byte.

            EXIT CODES
              0   success
              1   findings at or above the threshold (validate)
              64  usage error (bad arguments)
              65  the input is not a recording or a supported log
              66  an input file cannot be opened or read
              69  a listener cannot start (for example the address is in use)
              73  an output file cannot be written
            """,
        version: RecordingFormat.toolName,
        subcommands: [
            Demo.self, Record.self, Serve.self, View.self, Validate.self, Stats.self, Audio.self, Cat.self, Import.self,
            Events.self, Export.self,
            Rules.self,
            Spec.self,
            Diff.self, Replay.self, RegressionTest.self,
        ]
    )

    public init() {}
}
