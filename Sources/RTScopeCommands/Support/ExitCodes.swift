public import ArgumentParser
public import RealtimeRecording

/// Exit codes, defined once (documented in `rtscope --help` and the README).
public enum ExitCodes {
    /// Findings at or above the threshold.
    public static let findings = ExitCode(1)
    /// Bad arguments (EX_USAGE), as ArgumentParser's validation failures.
    public static let usage = ExitCode(64)
    /// The input is not a recording or a supported log (EX_DATAERR).
    public static let notARecording = ExitCode(65)
    /// An input cannot be opened or read (EX_NOINPUT).
    public static let cannotRead = ExitCode(66)
    /// A listener cannot start, for example because its address is in use (EX_UNAVAILABLE).
    public static let cannotListen = ExitCode(69)
    /// An output cannot be written (EX_CANTCREAT).
    public static let cannotWrite = ExitCode(73)

    /// The exit code for a failure to read, import or write, the same in every command: 65 for an
    /// input that is not a recording or a supported log, 66 for one that cannot be opened or read,
    /// 73 for an output that cannot be written.
    public static func code(for error: RecordingError) -> ExitCode {
        switch error {
        case .notARecording, .importFailed: notARecording
        case .cannotOpen, .cannotRead: cannotRead
        case .cannotWrite: cannotWrite
        }
    }
}
