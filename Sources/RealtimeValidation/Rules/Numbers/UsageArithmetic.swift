import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `usage-arithmetic`.
    public static let usageArithmetic = RuleInfo(
        "usage-arithmetic", .warning, "Token usage does not add up.",
        requirement: "total = input + output; input = text + audio (+ image); output = text + audio; all ≥ 0.",
        source: "§4.11, inv. 31")
}

extension SessionValidator {
    mutating func checkUsage(_ usage: JSONValue?, _ rid: String) {
        guard let usage, let total = Lookup.int(usage, "total_tokens"), let input = Lookup.int(usage, "input_tokens"),
            let output = Lookup.int(usage, "output_tokens")
        else { return }
        var problems: [String] = []
        if total != input + output { problems.append("total \(total) ≠ input \(input) + output \(output)") }
        if let details = Lookup.dict(usage, "input_token_details"), let text = Lookup.int(details, "text_tokens"),
            let audio = Lookup.int(details, "audio_tokens")
        {
            let image = Lookup.int(details, "image_tokens") ?? 0
            if input != text + audio + image {
                problems.append("input \(input) ≠ text \(text) + audio \(audio) + image \(image)")
            }
        }
        if let details = Lookup.dict(usage, "output_token_details"), let text = Lookup.int(details, "text_tokens"),
            let audio = Lookup.int(details, "audio_tokens"), output != text + audio
        {
            problems.append("output \(output) ≠ text \(text) + audio \(audio)")
        }
        if [total, input, output].contains(where: { $0 < 0 }) { problems.append("negative token count") }
        if !problems.isEmpty {
            emit(
                .usageArithmetic, "The usage of \(rid) does not add up.", expected: "consistent token counts",
                actual: problems.joined(separator: "; "), subject: rid)
        }
    }
}
