import RealtimeRecording

extension RuleInfo {
    /// `dialect-mixed`.
    public static let dialectMixed = RuleInfo(
        "dialect-mixed", .warning, "Beta and GA event names in one session.",
        requirement: "A session speaks one dialect: beta names or GA names, never both.", source: "§3, inv. 5")
}
