import RealtimeRecording

extension RuleInfo {
    /// `response-event-outside-lifecycle`.
    public static let responseEventOutsideLifecycle = RuleInfo(
        "response-event-outside-lifecycle", .error,
        "An event names a response before its `response.created` or after its `response.done`.",
        requirement: "Events of response R come after response.created(R) and before response.done(R).",
        source: "§4.3 N1, inv. 6")
}
