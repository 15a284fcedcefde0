import RealtimeRecording

extension RuleInfo {
    /// `session-created-first`.
    public static let sessionCreatedFirst = RuleInfo(
        "session-created-first", .error, "The first server event is not `session.created`.",
        requirement: "session.created (or transcription_session.created) is the first server event.",
        source: "§4.1 R1, inv. 4")
}
