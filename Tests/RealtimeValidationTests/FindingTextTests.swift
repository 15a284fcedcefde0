import Testing

@testable import RealtimeValidation

/// A finding's message built into inline bytes (`FindingText`) is the text a plain interpolation gives, short or long.
struct FindingTextTests {
    @Test func interpolationGivesWhatAPlainInterpolationGives() {
        let id = "event_B00000000000000000002"
        let sub: Substring = "abc"[...]
        let optional: String? = "x"
        let long = String(repeating: "é—", count: 200)
        let cases: [(FindingText, String)] = [
            ("", ""),
            ("x", "x"),
            ("The server event_id \(id) was already used.", "The server event_id \(id) was already used."),
            ("\(id)", id),
            ("n=\(42), m=\(-7), d=\(1.5), b=\(true)", "n=\(42), m=\(-7), d=\(1.5), b=\(true)"),
            ("sub \(sub) opt \(String(describing: optional))", "sub \(sub) opt \(String(describing: optional))"),
            ("ünïcode \("日本語") ✓", "ünïcode \("日本語") ✓"),
            ("a \(long) b", "a \(long) b"),
            ("\(long)\(long)", "\(long)\(long)"),
        ]
        for (text, plain) in cases {
            #expect(text.string == plain)
            #expect(text.utf8Count == plain.utf8.count)
            var bytes = [UInt8](repeating: 0, count: max(text.utf8Count, 1))
            let n = bytes.withUnsafeMutableBytes { text.copyUTF8(to: $0.baseAddress!) }
            #expect(n == plain.utf8.count)
            #expect(Array(bytes.prefix(n)) == Array(plain.utf8))
        }
    }

    @Test func appendingPastTheInlineBytesKeepsEveryByte() {
        var text = FindingText("start ")
        var plain = "start "
        for i in 0..<100 {
            text.append("piece \(i); ")
            plain += "piece \(i); "
        }
        #expect(plain.utf8.count > FindingText.inlineBytes)
        #expect(text.string == plain)
        #expect(text.utf8Count == plain.utf8.count)
    }

    @Test func aStringPassedWholeIsKeptAsIs() {
        let message = "Response resp_1 was done twice."
        #expect(FindingText(message).string == message)
        #expect(FindingText(String(repeating: "z", count: 1000)).utf8Count == 1000)
    }
}
