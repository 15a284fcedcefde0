import Foundation
import RealtimeProtocol
import RealtimeProxy
import RealtimeRecording
import Testing

struct PayloadRedactionTests {
    @Test func theRecorderWritesEphemeralKeysAsRedactedAndMarksTheFrame() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-redact-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("c.jsonl").path
        let seen = ObservedLog()
        let recorder = try ConnectionRecorder(
            conn: "c1", path: path, header: RecordingHeader(created: "2026-01-01T00:00:00.000000Z", source: "proxy"),
            observe: { seen.add("\($0)") })
        let created =
            #"{"type":"session.created","event_id":"event_1","session":{"client_secret":{"value":"ek_LIVE7","expires_at":5}}}"#
        let delta = #"{"type":"response.output_audio.delta","delta":"AAAA"}"#
        try recorder.record(opcode: .text, payload: Array(created.utf8), .serverToClient)
        try recorder.record(opcode: .text, payload: Array(delta.utf8), .serverToClient)
        recorder.finish()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("ek_LIVE7"))
        #expect(!seen.text.contains("ek_LIVE7"))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[1].contains(#""redacted":true,"event":{"type":"session.created""#))
        #expect(lines[1].contains(#""client_secret":{"value":"REDACTED","expires_at":5}"#))
        #expect(lines[2].hasSuffix(#""op":"text","event":\#(delta)}"#))  // byte for byte, no flag
    }
}

/// Collects what the recorder reports (from any thread).
final class ObservedLog: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: [String] = []
    func add(_ s: String) { lock.withLock { parts.append(s) } }
    var text: String { lock.withLock { parts.joined(separator: "\n") } }
}
