public import RealtimeProtocol
import RealtimeRecording

/// The simulated session's effective configuration, kept in the dialect's own shape.
///
/// Beta sessions are flat (`modalities`, `voice`, `turn_detection`, …); GA sessions nest audio
/// settings under `audio.input` / `audio.output` and name modalities `output_modalities` (protocol
/// reference §3.3). Updates merge into the current object (GA deeply, as its nesting requires);
/// the accessors read either shape.
public struct SessionConfig: Sendable {
    public let dialect: Dialect
    /// The session object as `session.created` / `session.updated` carry it.
    public private(set) var object: JSON

    public init(dialect: Dialect, id: String, model: String, expiresAt: Int) {
        self.dialect = dialect
        let vad: JSON = .object([
            ("type", "server_vad"), ("threshold", .double(0.5)), ("prefix_padding_ms", 300),
            ("silence_duration_ms", 500), ("create_response", true), ("interrupt_response", true),
        ])
        switch dialect {
        case .beta:
            object = .object([
                ("id", .string(id)), ("object", "realtime.session"), ("model", .string(model)),
                ("expires_at", .int(expiresAt)), ("modalities", ["text", "audio"]), ("instructions", ""),
                ("voice", "alloy"), ("input_audio_format", "pcm16"), ("output_audio_format", "pcm16"),
                ("input_audio_transcription", nil), ("turn_detection", vad), ("tools", []), ("tool_choice", "auto"),
                ("temperature", .double(0.8)), ("max_response_output_tokens", "inf"),
            ])
        case .ga:
            let pcm: JSON = .object([("type", "audio/pcm"), ("rate", 24000)])
            var gaVAD = vad
            gaVAD.set("idle_timeout_ms", nil)
            object = .object([
                ("type", "realtime"), ("object", "realtime.session"), ("id", .string(id)), ("model", .string(model)),
                ("output_modalities", ["audio"]), ("instructions", ""),
                (
                    "audio",
                    .object([
                        (
                            "input",
                            .object([
                                ("format", pcm), ("transcription", nil), ("noise_reduction", nil),
                                ("turn_detection", gaVAD),
                            ])
                        ),
                        ("output", .object([("format", pcm), ("voice", "alloy"), ("speed", .double(1))])),
                    ])
                ),
                ("tools", []), ("tool_choice", "auto"), ("max_output_tokens", "inf"), ("tracing", nil),
                ("truncation", "auto"), ("prompt", nil), ("expires_at", .int(expiresAt)),
            ])
        }
    }

    /// Merges a client's `session` object.
    ///
    /// Returns an error message when the update is refused.
    public mutating func apply(_ update: JSON) -> (code: String, message: String, param: String)? {
        guard case .object(var pairs) = update else {
            return ("invalid_type", "Invalid type for 'session': expected an object.", "session")
        }
        if dialect == .ga {
            guard let type = update["type"]?.string else {
                return ("missing_required_parameter", "Missing required parameter: 'session.type'.", "session.type")
            }
            guard type == "realtime" || type == "transcription" else {
                return (
                    "invalid_value", "Invalid value: '\(type)'. Supported values are: 'realtime' and 'transcription'.",
                    "session.type"
                )
            }
        }
        if let model = update["model"]?.string, model != object["model"]?.string {
            return ("invalid_value", "The model of a session cannot be changed.", "session.model")
        }
        pairs.removeAll { $0.0 == "id" || $0.0 == "object" || $0.0 == "expires_at" }
        object = object.merging(.object(pairs), deep: dialect == .ga)
        return nil
    }

    /// Whether answers carry audio (otherwise text only).
    public var audioOutput: Bool { Self.audio(in: object, dialect: dialect) ?? true }

    /// Reads the output modalities of a session or a `response.create` override.
    static func audio(in object: JSON, dialect: Dialect) -> Bool? {
        let key = dialect == .ga ? "output_modalities" : "modalities"
        return object[key]?.array.map { $0.contains("audio") }
    }

    public var tools: [JSON] { object["tools"]?.array ?? [] }

    /// The turn detection settings, nil when turned off.
    public var turnDetection: JSON? {
        let value = dialect == .ga ? object["audio"]?["input"]?["turn_detection"] : object["turn_detection"]
        guard let value, !value.isNull else { return nil }
        return value
    }

    /// Whether committed audio gets a transcript.
    public var transcribesInput: Bool {
        let value =
            dialect == .ga ? object["audio"]?["input"]?["transcription"] : object["input_audio_transcription"]
        return value.map { !$0.isNull } ?? false
    }

    public var voice: String {
        (dialect == .ga ? object["audio"]?["output"]?["voice"] : object["voice"])?.string ?? "alloy"
    }
}
