import RealtimeRecording

extension RuleInfo {
    /// `session-created-once`.
    public static let sessionCreatedOnce = RuleInfo(
        "session-created-once", .error, "`session.created` arrives more than once.",
        requirement: "Exactly one session.created per connection.", source: "inv. 4")
}
