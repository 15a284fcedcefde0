import Foundation
import RealtimeRecording
import Testing

@testable import RealtimeSession

/// Leading silence and time to first audible audio (TTFA), on synthesized samples.
struct AudibilityTests {
    /// 16-bit little-endian PCM: `silentMs` of low noise (±100, below −40 dBFS), then a 440 Hz
    /// tone at amplitude 3000, at 24 kHz.
    static func pcm(silentMs: Int, toneMs: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for k in 0..<(silentMs * 24) {
            let s = Int16(k % 2 == 0 ? 100 : -100)
            bytes += [UInt8(UInt16(bitPattern: s) & 0xFF), UInt8(UInt16(bitPattern: s) >> 8)]
        }
        for k in 0..<(toneMs * 24) {
            let s = Int16(3000 * sin(2 * Double.pi * 440 * Double(k) / 24000))
            bytes += [UInt8(UInt16(bitPattern: s) & 0xFF), UInt8(UInt16(bitPattern: s) >> 8)]
        }
        return bytes
    }

    @Test func silenceEndsAtTheFirstLoudFrame() {
        var probe = LeadingSilence(format: .pcm16)
        let audio = Self.pcm(silentMs: 200, toneMs: 50)
        // Fed in uneven chunks, so frames span chunks.
        #expect(probe.feed(Array(audio[0..<3001])) == nil)
        #expect(probe.feed(Array(audio[3001..<9000])) == nil)
        #expect(probe.feed(Array(audio[9000...])) == 200)
        #expect(probe.audibleAfterMs == 200)
        var quiet = LeadingSilence(format: .pcm16)
        #expect(quiet.feed(Self.pcm(silentMs: 500, toneMs: 0)) == nil)
    }

    @Test func muLawIsDecodedBeforeJudging() {
        // μ-law 0xFF is +0 (silence); 0x80 is the loudest positive sample.
        var probe = LeadingSilence(format: AudioFormat("g711_ulaw"))
        let audio = [UInt8](repeating: 0xFF, count: 8 * 30) + [UInt8](repeating: 0x80, count: 8 * 10)
        #expect(probe.feed(audio) == 30)
    }

    /// Time to first audible audio counts the leading silence as a playing client hears it.
    ///
    /// A hand-made recording: `response.create` at 0, a 100 ms silent chunk at 100 ms, then a
    /// chunk of 50 ms silence and 50 ms tone at 150 ms. Played as it arrives, the second chunk
    /// starts when the first ends (200 ms), so the first audible frame plays at 250 ms.
    @Test func firstAudibleIsFirstAudioPlusLeadingSilenceAsPlayed() throws {
        func b64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
        let header =
            #"{"format":"rtscope-recording","version":1,"conn":"c1","created":"2026-11-30T00:00:00Z","note":"hand-made"}"#
        var lines = [header]
        func frame(_ seq: Int, _ tMs: Int, _ dir: String, _ event: String) {
            lines.append(
                #"{"seq":\#(seq),"t_us":\#(tMs * 1000),"conn":"c1","dir":"\#(dir)","op":"text","event":\#(event)}"#)
        }
        frame(1, 0, "c2s", #"{"type":"response.create"}"#)
        frame(2, 20, "s2c", #"{"type":"response.created","response":{"id":"r1","status":"in_progress"}}"#)
        frame(
            3, 100, "s2c",
            #"{"type":"response.audio.delta","response_id":"r1","item_id":"i1","output_index":0,"content_index":0,"delta":"\#(b64(Self.pcm(silentMs: 100, toneMs: 0)))"}"#
        )
        frame(
            4, 150, "s2c",
            #"{"type":"response.audio.delta","response_id":"r1","item_id":"i1","output_index":0,"content_index":0,"delta":"\#(b64(Self.pcm(silentMs: 50, toneMs: 50)))"}"#
        )
        frame(5, 400, "s2c", #"{"type":"response.done","response":{"id":"r1","status":"completed"}}"#)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-ttfa-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)

        let model = try SessionModel.load(path).model
        let response = try #require(model.responses.first)
        #expect(response.leadingSilenceMs == 150)
        #expect(response.firstAudible == Moment(line: 5, tUs: 250_000))
        let samples = model.metricSamples()
        #expect(samples.first { $0.metric == "response.first_audio" }?.value == 100)
        #expect(samples.first { $0.metric == "response.first_audible" }?.value == 250)
        #expect(samples.first { $0.metric == "response.leading_silence" }?.value == 150)
    }
}

/// The in-place base64 decoder against Foundation's encoder on every length, and bad input refused.
struct Base64DecoderTests {
    @Test func decodesAsFoundationDoes() throws {
        var scratch: [UInt8] = []
        var rng = Lehmer(state: 7)
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let text = Array(Data(bytes).base64EncodedString().utf8)
            let ok = text.withUnsafeBytes { Base64.decode($0, into: &scratch) }
            #expect(ok)
            #expect(scratch == bytes, "length \(length)")
        }
        for bad in ["abc", "ab!d", "a===", "====", "YQ=a"] {
            let ok = Array(bad.utf8).withUnsafeBytes { Base64.decode($0, into: &scratch) }
            #expect(!ok, "\(bad)")
        }
    }

    /// A string value of an event decodes to what Foundation's `Data(base64Encoded:)` gives, odd forms and escapes
    /// included, so the export, the level strip and the audibility probe agree with one another and with Foundation.
    @Test func aValueDecodesExactlyAsFoundationDoes() throws {
        var scratch: [UInt8] = [9, 9, 9]
        // Hand-written odd forms: Foundation takes `====` and `QU=D`; the JSON text `\/` is an escaped `/`.
        let forms = ["QUJD", "QQ==", "QR==", "QUI=", "====", "QU=D", "QQ", "QUJDRA", "ab!d", "", "P\\/8A", "QUJD\\n"]
        for form in forms {
            let value = try #require(JSONTape.parse(Array("{\"a\":\"\(form)\"}".utf8))?["a"])
            let foundation = value.string.flatMap { Data(base64Encoded: $0) }.map { [UInt8]($0) }
            let ok = Base64.decode(value, into: &scratch)
            #expect(ok == (foundation != nil), "\(form)")
            if let foundation { #expect(scratch == foundation, "\(form)") }
        }
        let number = try #require(JSONTape.parse(Array("{\"a\":12}".utf8))?["a"])
        #expect(!Base64.decode(number, into: &scratch))
    }
}
