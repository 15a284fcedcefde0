import RealtimeRecording

extension RuleInfo {
    /// `response-create-while-active`.
    public static let responseCreateWhileActive = RuleInfo(
        "response-create-while-active", .warning, "`response.create` sent while a response is still active.",
        requirement: "Wait for response.done before the next default-conversation response.create.",
        source: "§4.13, inv. 29")
}
