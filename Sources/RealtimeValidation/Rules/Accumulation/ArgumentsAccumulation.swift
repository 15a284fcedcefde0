import RealtimeRecording

extension RuleInfo {
    /// `arguments-accumulation`.
    public static let argumentsAccumulation = RuleInfo(
        "arguments-accumulation", .error,
        "Function-call argument deltas, `call_id` or `name` disagree with the done event or the item.",
        requirement: "concat(argument deltas) = arguments.done.arguments = item.arguments; call_id and name agree.",
        source: "§4.4, inv. 18")
}
