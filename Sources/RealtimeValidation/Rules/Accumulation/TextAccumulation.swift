import RealtimeRecording

extension RuleInfo {
    /// `text-accumulation`.
    public static let textAccumulation = RuleInfo(
        "text-accumulation", .error, "Text deltas do not add up to the final text.",
        requirement: "concat(text deltas) = text.done.text = content_part.done.part.text = item content text.",
        source: "inv. 15")
}
