public import RealtimeProtocol
public import RealtimeRecording
public import RealtimeValidation

extension SessionModel {
    /// A recording's model and its validation report, from one read of the file.
    public struct Loaded: Sendable {
        public let model: SessionModel
        public let report: FileReport
    }

    /// Reads `path` (a recording or any log `rtscope import` reads) once: the validator and the
    /// model builder consume the same decoded frames as they stream by (nothing is buffered, so
    /// memory stays that of the validator plus the model).
    ///
    /// The builder runs on the validator's reading thread (`observeWhileReading`), so on small events, where the
    /// rules set the pace and the reader has slack, building the model costs no extra wall time.
    ///
    /// - Throws: `RecordingError` when the input cannot be opened, read or imported.
    /// - Parameter keepsAudioChunks: false for views that need no audio positions (stats): memory
    ///   then grows only with responses and turns, not with the session's audio.
    /// - Parameter keepsConversation: true to build `SessionModel.conversation` (see `SessionModelBuilder`).
    public static func load(
        _ path: String, dialect: Dialect? = nil, selection: RuleSelection = RuleSelection(),
        keepsAudioChunks: Bool = true, keepsConversation: Bool = false
    ) throws -> Loaded {
        let box = BuilderBox(
            SessionModelBuilder(
                dialect: dialect, keepsAudioChunks: keepsAudioChunks, keepsConversation: keepsConversation))
        let report = try ValidationRun.validate(
            path: path, dialect: dialect, selection: selection,
            observeWhileReading: { event in box.builder.consume(event) })
        return Loaded(model: box.builder.finish(header: report.header), report: report)
    }
}

/// The builder `SessionModel.load` feeds from the reading thread.
///
/// Only that thread touches it until `ValidationRun.validate` returns (its read-ahead queue's lock orders the last call before the return), then
/// only the caller: never two threads at once.
private final class BuilderBox: @unchecked Sendable {
    var builder: SessionModelBuilder
    init(_ builder: SessionModelBuilder) { self.builder = builder }
}
