import Foundation
import RealtimeRecording
import Testing

@testable import RealtimeValidation

/// A text message recorded as its frames (`"fin":false` then `cont`), as older recorders and other
/// tools write it, validates as the one event it is.
struct FragmentedMessageTests {
    @Test func aMessageSplitIntoContinuationLinesIsValidatedAsOneEvent() throws {
        let sample = try String(contentsOfFile: Samples.path("text-in-text-out.jsonl"), encoding: .utf8)
        var lines = sample.split(separator: "\n").map(String.init)
        // Hand-made from the clean sample: its first client event becomes a text frame and a continuation.
        let index = try #require(lines.firstIndex { $0.contains(#""dir":"c2s""#) && $0.contains(#""event":"#) })
        let line = lines[index]
        let eventStart = try #require(line.range(of: #""event":"#)).upperBound
        let event = Array(line[eventStart..<line.index(before: line.endIndex)].utf8)
        let head = String(line[..<(try #require(line.range(of: #""op":"text","#))).lowerBound])
        let half = event.count / 2
        let quoted = try JSONSerialization.data(withJSONObject: [String(decoding: event[..<half], as: UTF8.self)])
        let first = String(decoding: quoted, as: UTF8.self).dropFirst().dropLast()  // ["…"] → "…"
        let rest = Data(event[half...]).base64EncodedString()
        lines[index] = head + #""op":"text","fin":false,"text":"# + first + "}"
        lines.insert(head + #""op":"cont","data_b64":""# + rest + #""}"#, at: index + 1)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fragmented-\(UUID()).jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let report = try ValidationRun.validate(path: path)
        #expect(report.findings.isEmpty, "\(report.findings.map { "\($0.line) \($0.rule)" })")
    }
}
