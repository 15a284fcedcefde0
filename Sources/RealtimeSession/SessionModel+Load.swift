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
    /// The builder runs on the calling thread after the validator has seen each frame. Views that need no findings
    /// use `read(_:)`, which runs no rules.
    ///
    /// - Throws: `RecordingError` when the input cannot be opened, read or imported.
    /// - Parameter keepsAudioChunks: false for views that need no audio positions (stats): memory
    ///   then grows only with responses and turns, not with the session's audio.
    /// - Parameter keepsConversation: true to build `SessionModel.conversation` (see `SessionModelBuilder`).
    public static func load(
        _ path: String, dialect: Dialect? = nil, selection: RuleSelection = RuleSelection(),
        keepsAudioChunks: Bool = true, keepsConversation: Bool = false
    ) throws -> Loaded {
        var builder = SessionModelBuilder(
            dialect: dialect, keepsAudioChunks: keepsAudioChunks, keepsConversation: keepsConversation)
        let report = try ValidationRun.validate(
            path: path, dialect: dialect, selection: selection, observe: { event in builder.consume(event) })
        return Loaded(model: builder.finish(header: report.header), report: report)
    }
}

extension SessionModel {
    /// A recording's model without its findings, and what the pass skipped.
    public struct Read: Sendable {
        public let model: SessionModel
        public let summary: EventPass.Summary
    }

    /// Reads `path` once and builds its model without running the rules (`EventPass`): for views that show the model
    /// but no findings (`rtscope stats`), at the reader's speed rather than the validator's.
    ///
    /// The model is the one `load(_:)` builds from the same file: both feed the builder the same decoded frames.
    ///
    /// - Throws: `RecordingError` when the input cannot be opened, read or imported.
    public static func read(
        _ path: String, dialect: Dialect? = nil, keepsAudioChunks: Bool = true, keepsConversation: Bool = false
    ) throws -> Read {
        var builder = SessionModelBuilder(
            dialect: dialect, keepsAudioChunks: keepsAudioChunks, keepsConversation: keepsConversation)
        let summary = try EventPass.read(path: path) { event in builder.consume(event) }
        return Read(model: builder.finish(header: summary.header), summary: summary)
    }
}
