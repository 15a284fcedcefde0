import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `rate-limits-invalid`.
    public static let rateLimitsInvalid = RuleInfo(
        "rate-limits-invalid", .warning, "A rate limit has remaining > limit or a negative reset.",
        requirement: "remaining ≤ limit and reset_seconds ≥ 0.", source: "§4.12, inv. 32")
}

extension RuleCheck {
    static let rateLimitsInvalid = RuleCheck(.rateLimitsInvalid, on: [EventNames.rateLimits], from: .serverToClient) {
        $0.rateLimits($1)
    }
}

extension SessionValidator {
    mutating func rateLimits(_ object: JSONValue) {
        for limit in Lookup.array(object, "rate_limits") ?? [] where limit.isObject {
            let name = limit["name"]?.string ?? "?"
            if let remaining = Lookup.double(limit, "remaining"), let cap = Lookup.double(limit, "limit"),
                remaining > cap
            {
                emit(
                    .rateLimitsInvalid, "Rate limit \(name) has more remaining than its limit.",
                    expected: "remaining ≤ \(cap)", actual: "\(remaining)")
            }
            if let reset = Lookup.double(limit, "reset_seconds"), reset < 0 {
                emit(
                    .rateLimitsInvalid, "Rate limit \(name) has a negative reset_seconds.", expected: "≥ 0",
                    actual: "\(reset)")
            }
        }
    }
}
