import Foundation

/// Server voice-activity detection over appended PCM16 (24 kHz mono, little-endian) audio.
///
/// Audio is judged in 10 ms frames by RMS energy: a frame is speech when its RMS exceeds
/// `threshold` × 1/25 of full scale (so the default threshold 0.5 is about −34 dBFS). Speech starts
/// on the first loud frame and stops after `silenceMs` of quiet frames. Offsets are milliseconds on
/// one session-wide clock of appended audio (protocol reference V2), so they never decrease.
public struct VoiceActivityDetector: Sendable {
    public enum Change: Sendable, Equatable {
        /// Speech began; `startMs` already includes the prefix padding.
        case started(startMs: Int)
        case stopped(endMs: Int)
    }

    public var threshold: Double
    public var silenceMs: Int
    public var prefixPaddingMs: Int
    public private(set) var speaking = false
    /// Milliseconds of audio seen so far (the session clock).
    public private(set) var clockMs = 0
    private var quietMs = 0
    private var carry: [UInt8] = []

    static let frameBytes = 480  // 10 ms at 24 kHz, 2 bytes per sample

    public init(threshold: Double = 0.5, silenceMs: Int = 500, prefixPaddingMs: Int = 300) {
        self.threshold = threshold
        self.silenceMs = silenceMs
        self.prefixPaddingMs = prefixPaddingMs
    }

    /// Feeds appended audio and returns the speech boundaries found in it, in order.
    public mutating func feed(_ pcm: [UInt8]) -> [Change] {
        var changes: [Change] = []
        carry += pcm
        var start = 0
        let limit = 32768.0 / 25 * threshold
        while carry.count - start >= Self.frameBytes {
            var sum = 0.0
            var i = start
            while i < start + Self.frameBytes {
                let sample = Double(Int16(bitPattern: UInt16(carry[i]) | UInt16(carry[i + 1]) << 8))
                sum += sample * sample
                i += 2
            }
            let loud = (sum / Double(Self.frameBytes / 2)).squareRoot() > limit
            if loud {
                if !speaking {
                    speaking = true
                    changes.append(.started(startMs: max(0, clockMs - prefixPaddingMs)))
                }
                quietMs = 0
            } else if speaking {
                quietMs += 10
                if quietMs >= silenceMs {
                    speaking = false
                    changes.append(.stopped(endMs: clockMs + 10))
                }
            }
            clockMs += 10
            start += Self.frameBytes
        }
        carry.removeFirst(start)
        return changes
    }

    /// Forgets a speech in progress (after a manual commit or a buffer clear).
    public mutating func reset() {
        speaking = false
        quietMs = 0
    }
}

/// PCM16 24 kHz mono audio for simulated answers and scripted clients.
public enum Tone {
    /// A sine tone of `ms` milliseconds at `hz`, amplitude `level` (0…1) of full scale.
    public static func pcm(ms: Int, hz: Double = 440, level: Double = 0.3, phaseOffset: Int = 0) -> [UInt8] {
        let samples = ms * 24
        var out = [UInt8]()
        out.reserveCapacity(samples * 2)
        for n in 0..<samples {
            let t = Double(n + phaseOffset) / 24000
            let value = Int16((level * 32767 * sin(2 * Double.pi * hz * t)).rounded())
            let bits = UInt16(bitPattern: value)
            out.append(UInt8(bits & 0xFF))
            out.append(UInt8(bits >> 8))
        }
        return out
    }

    /// Silence of `ms` milliseconds.
    public static func silence(ms: Int) -> [UInt8] { [UInt8](repeating: 0, count: ms * 48) }
}
