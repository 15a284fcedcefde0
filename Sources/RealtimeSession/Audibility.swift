import Foundation
public import RealtimeRecording

/// Finds where a response's output audio first becomes audible: its leading silence.
///
/// A model may start a response with silent (or near-silent) audio, so the first audio delta can
/// arrive well before the user hears anything; a latency measured to that delta then looks better
/// than it is. Pipecat calls the honest figure TTFA: time to first byte plus leading silence.
///
/// Definition (fixed, so numbers compare across runs): the audio is cut into consecutive 10 ms
/// frames of the output format (480 samples of pcm16 at 24 kHz, 80 of G.711 at 8 kHz); the first
/// frame whose RMS level is at least `threshold` (−40 dBFS: 1 % of full scale, 328 of 32768) is
/// the first audible one, and the leading silence is the audio before that frame, in milliseconds.
/// G.711 is decoded first; a frame may span chunks, and a partial frame at the end of the
/// response is never judged. Cost: decoding stops at the first audible frame, so a response normally
/// decodes only its first chunk.
public struct LeadingSilence: Sendable {
    /// The RMS level, in 16-bit sample units, at or above which a frame is audible (−40 dBFS).
    public static let threshold = 327.68

    let format: AudioFormat
    /// `format`'s encoding and sample rate, worked out once (each is a switch over the format's name).
    private let encoding: WAVFile.Encoding
    private let sampleRate: Int
    /// Samples judged silent so far.
    private var silentSamples = 0
    /// Squared sum and count of the frame under way.
    private var frameEnergy: Int64 = 0
    private var frameCount = 0
    /// The first byte of a pcm16 sample split across chunks.
    private var carry: UInt8?
    /// The leading silence in milliseconds, once an audible frame was found.
    public private(set) var audibleAfterMs: Double?

    public init(format: AudioFormat) {
        self.format = format
        encoding = format.encoding
        sampleRate = format.sampleRate
    }

    private var frameSamples: Int { max(1, sampleRate / 100) }

    /// Feeds the next chunk of the response's audio (raw bytes in `format`); returns the leading
    /// silence in milliseconds when this chunk holds the first audible frame, else nil.
    public mutating func feed(_ bytes: [UInt8]) -> Double? {
        guard audibleAfterMs == nil, !bytes.isEmpty else { return nil }
        return bytes.withUnsafeBufferPointer { feed($0) }
    }

    private mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        let frame = frameSamples
        var k = 0
        let step = encoding == .pcm16 ? 2 : 1
        var pending = carry
        carry = nil
        while k < bytes.count {
            let sample: Int16
            switch encoding {
            case .pcm16:
                if let low = pending {
                    sample = Int16(bitPattern: UInt16(low) | UInt16(bytes[k]) << 8)
                    pending = nil
                    k += 1
                } else if k + 1 < bytes.count {
                    sample = Int16(bitPattern: UInt16(bytes[k]) | UInt16(bytes[k + 1]) << 8)
                    k += step
                } else {
                    carry = bytes[k]
                    return nil
                }
            case .muLaw:
                sample = G711.muLaw(bytes[k])
                k += step
            case .aLaw:
                sample = G711.aLaw(bytes[k])
                k += step
            }
            frameEnergy += Int64(sample) * Int64(sample)
            frameCount += 1
            guard frameCount == frame else { continue }
            if (Double(frameEnergy) / Double(frame)).squareRoot() >= Self.threshold {
                let ms = Double(silentSamples) * 1000 / Double(sampleRate)
                audibleAfterMs = ms
                return ms
            }
            silentSamples += frame
            frameEnergy = 0
            frameCount = 0
        }
        return nil
    }

    /// Decodes a base64 audio field (a string value of an event) and feeds it.
    ///
    /// Invalid base64 is skipped (the validator and `rtscope audio` report it). The base64 is decoded in place from
    /// the event's bytes into `scratch`, which is reused.
    public mutating func feed(base64 value: JSONValue, scratch: inout [UInt8]) -> Double? {
        guard audibleAfterMs == nil else { return nil }
        guard Base64.decode(value, into: &scratch) else { return nil }
        return feed(scratch)
    }
}

extension Int64 {
    /// `self` plus `ms` milliseconds in microseconds, clamped to `Int64`'s range (times come
    /// from the wire and may be anything; arithmetic on them must never trap).
    func plusMilliseconds(_ ms: Double) -> Int64 {
        let sum = Double(self) + ms * 1000
        guard sum.isFinite else { return sum < 0 ? .min : .max }
        if sum >= 9.2e18 { return .max }
        if sum <= -9.2e18 { return .min }
        return Int64(sum)
    }
}
