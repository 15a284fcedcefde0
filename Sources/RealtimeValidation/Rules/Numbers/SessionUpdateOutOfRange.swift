import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `session-update-out-of-range`.
    public static let sessionUpdateOutOfRange = RuleInfo(
        "session-update-out-of-range", .warning, "A `session.update` value is outside its documented range.",
        requirement: "temperature 0.6–1.2; max tokens 1–4096 or \"inf\"; idle_timeout_ms 5000–30000; "
            + "speed 0.25–1.5.",
        source: "§2.2, inv. 33")
}

extension RuleCheck {
    static let sessionUpdateOutOfRange = RuleCheck(
        .sessionUpdateOutOfRange, on: [EventNames.sessionUpdate], from: .clientToServer
    ) {
        $0.checkRanges(Lookup.dict($1, "session"))
    }
}

extension SessionValidator {
    /// Documented ranges of session settings (beta and GA spellings).
    mutating func checkRanges(_ session: JSONValue?) {
        func check(_ paths: [String], _ range: ClosedRange<Double>, allowing word: String? = nil) {
            for path in paths {
                guard let value = Lookup.value(session, path), !value.isNull else { continue }
                if let word, value.string == word { continue }
                guard let number = Lookup.double(session, path), range.contains(number) else {
                    emit(
                        .sessionUpdateOutOfRange, "session.\(path) is outside its documented range.",
                        expected: "\(range.lowerBound)…\(range.upperBound)" + (word.map { " or \"\($0)\"" } ?? ""),
                        actual: Lookup.render(value))
                    continue
                }
            }
        }
        check(["temperature"], 0.6...1.2)
        check(["max_response_output_tokens", "max_output_tokens"], 1...4096, allowing: "inf")
        check(["turn_detection.idle_timeout_ms", "audio.input.turn_detection.idle_timeout_ms"], 5000...30000)
        check(["speed", "audio.output.speed"], 0.25...1.5)
        check(["turn_detection.threshold", "audio.input.turn_detection.threshold"], 0...1)
    }
}
