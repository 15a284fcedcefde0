public import ArgumentParser
import RealtimeRecording

/// The `rtscope` root command: configuration only; each subcommand lives in Commands/.
public struct RTScope: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rtscope",
        abstract: "Record, validate and inspect OpenAI / Azure OpenAI Realtime API sessions.",
        discussion: """
            Recordings are JSONL files (format v1, docs/recording-format.md): a header line, then one \
            line per WebSocket frame with its direction, timing and the payload byte for byte.

            EXIT CODES
              0   success
              1   findings at or above the threshold (validate)
              64  usage error (bad arguments)
              65  the input is not a recording or a supported log
              66  an input file cannot be opened or read
              73  an output file cannot be written
            """,
        version: RecordingFormat.toolName,
        subcommands: [
            Cat.self, Events.self, Import.self, Validate.self, Rules.self, Spec.self, View.self, Record.self,
            Serve.self, Demo.self,
        ]
    )

    public init() {}
}
