import Foundation
import RealtimeProtocol
public import RealtimeRecording

/// The energy of a run of audio, as the timeline's level strip shows it.
///
/// It is the sum of squared samples, the largest magnitude and the sample count, each sample a
/// 16-bit value (G.711 is decoded first). Levels add up (`add`), so a chunk is measured once and summed into any
/// number of time buckets.
///
/// Decibels are relative to full scale, 32768: a full-scale sine measures −3.01 dBFS RMS.
/// Digital silence has no finite level and reads `-infinity`.
public struct AudioLevel: Sendable, Hashable {
    public var sumOfSquares: Double = 0
    public var samples = 0

    public init() {}

    /// Adds `other`'s samples to these.
    public mutating func add(_ other: AudioLevel) {
        sumOfSquares += other.sumOfSquares
        samples += other.samples
    }

    /// The RMS level in dBFS, nil without samples.
    public var rmsDBFS: Double? {
        guard samples > 0 else { return nil }
        return 10 * log10(sumOfSquares / Double(samples) / (32768 * 32768))
    }

    /// Measures raw audio bytes in `format` (a trailing odd byte of pcm16 is ignored).
    public static func measure(_ bytes: UnsafeBufferPointer<UInt8>, format: AudioFormat) -> AudioLevel {
        var level = AudioLevel()
        var sum: Int64 = 0  // 2^31 per sample: exact for 2^32 samples, far more than one chunk holds
        func add(_ s: Int16) {
            let v = Int64(s)
            sum &+= v * v
        }
        switch format.encoding {
        case .pcm16:
            var k = 0
            while k + 1 < bytes.count {
                add(Int16(bitPattern: UInt16(bytes[k]) | UInt16(bytes[k + 1]) << 8))
                k += 2
            }
            level.samples = bytes.count / 2
        case .muLaw:
            for b in bytes { add(G711.muLaw(b)) }
            level.samples = bytes.count
        case .aLaw:
            for b in bytes { add(G711.aLaw(b)) }
            level.samples = bytes.count
        }
        level.sumOfSquares = Double(sum)
        return level
    }

    /// Measures a base64 audio field (a string value of an event) and counts its decoded bytes.
    ///
    /// The base64 is decoded in place from the event's bytes into `scratch` (reused); nil for anything
    /// that is not base64 (`Base64.decode(_:into:)`: what Foundation accepts). The byte count gives the chunk's duration.
    public static func measure(base64 value: JSONValue, format: AudioFormat, scratch: inout [UInt8]) -> (
        level: AudioLevel, bytes: Int
    )? {
        guard Base64.decode(value, into: &scratch) else { return nil }
        let level = scratch.withUnsafeBufferPointer { measure($0, format: format) }
        return (level, scratch.count)
    }
}
