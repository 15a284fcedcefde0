public import RealtimeRecording

/// The audio formats a session object names, in either dialect, and what they mean in bytes.
///
/// Beta sessions say `input_audio_format` / `output_audio_format` (`pcm16`, `g711_ulaw`,
/// `g711_alaw`); GA sessions say `audio.input.format.type` / `audio.output.format.type`
/// (`audio/pcm` with a `rate`, `audio/pcmu`, `audio/pcma`). Unknown names are treated as 16-bit PCM.
public struct AudioFormat: Sendable, Hashable {
    /// The name as the session gave it.
    public let name: String
    /// The GA sample rate, when given.
    public let rate: Int?

    public init(_ name: String, rate: Int? = nil) {
        self.name = name
        self.rate = rate
    }

    /// The session's default: 16-bit PCM at 24 kHz.
    public static let pcm16 = AudioFormat("pcm16")

    /// The input and output formats a `session` object names (nil for a side it does not name).
    public static func named(in session: JSONValue) -> (input: AudioFormat?, output: AudioFormat?) {
        let input = (session.string(at: "input_audio_format") ?? session.string(at: "audio.input.format.type")).map {
            AudioFormat($0, rate: session.int(at: "audio.input.format.rate"))
        }
        let output = (session.string(at: "output_audio_format") ?? session.string(at: "audio.output.format.type")).map {
            AudioFormat($0, rate: session.int(at: "audio.output.format.rate"))
        }
        return (input, output)
    }

    /// How samples are stored: 16-bit linear, or one byte of G.711 μ-law or A-law.
    var encoding: WAVFile.Encoding {
        switch name {
        case "g711_ulaw", "audio/pcmu": .muLaw
        case "g711_alaw", "audio/pcma": .aLaw
        default: .pcm16
        }
    }

    /// Samples per second: G.711 at 8 kHz, PCM at its rate (24 kHz by default).
    public var sampleRate: Int { encoding == .pcm16 ? rate ?? 24000 : 8000 }

    /// Bytes of audio per millisecond (pcm16 at 24 kHz: 48; G.711: 8).
    public var bytesPerMs: Double { Double(sampleRate * (encoding == .pcm16 ? 2 : 1)) / 1000 }
}
