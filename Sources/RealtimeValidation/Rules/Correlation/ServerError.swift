import RealtimeRecording

extension RuleInfo {
    /// `server-error`.
    public static let serverError = RuleInfo(
        "server-error", .warning, "The server sent an `error` event.",
        requirement: "A client that speaks the protocol correctly gets no errors.", source: "§4.9")
}
