import RealtimeProtocol

/// The six bundled samples (`recordings/*.jsonl`), each a client script, the model's scripted
/// answers and injected ids (named as the docs and tests refer to them: `resp_E001`, `item_A301`, …).
///
/// `rtscope-samples` writes them; `SampleRecordingsTests` checks the committed files are exactly
/// what this produces. The behaviour (VAD, barge-in, truncation, errors, dialects) is the simulated
/// server's own: a sample only chooses what the client sends and what the model says.
public enum SampleRecordings {
    public static let all: [SampleRecording] = [
        textInTextOut, audioVAD, functionCall, bargeIn, errors, gaTextSession,
    ]

    static func options(
        _ dialect: Dialect, model: String, ids: [String: [String]], tag: String, replies: [ScriptedReply],
        rateLimits: Bool = false, obfuscation: Bool = false, deltaIntervalMs: Int = 14
    ) -> SimulationOptions {
        var options = SimulationOptions(dialect: dialect, model: model, deltaIntervalMs: deltaIntervalMs)
        options.ids = IDSource(tag: tag, names: ids)
        options.expiresAt = 1_795_599_000
        options.replies = replies
        options.rateLimits = rateLimits ? RateLimits() : nil
        options.obfuscation = obfuscation
        options.firstDeltaMs = 160
        return options
    }

    static let betaModel = "gpt-4o-realtime-preview"

    /// The seed text-in/text-out sequence.
    static let textInTextOut = SampleRecording(
        file: "text-in-text-out.jsonl", dialect: .beta,
        note:
            "The seed text-in/text-out sequence (session.created, session.update, session.updated, conversation.item.create, conversation.item.created, response.create, response.created, response.text.delta*, response.text.done, response.done) with the output_item/content_part events the protocol nests around the deltas, then rate_limits.updated.",
        options: options(
            .beta, model: betaModel, ids: ["sess": ["sess_BETA01"], "resp": ["resp_T001"], "item": ["item_A001"]],
            tag: "TXT", replies: [.message(["The", " capital", " of", " Sweden", " is", " Stockholm", "."])],
            rateLimits: true),
        steps: [
            update(o(["modalities": ["text"], "instructions": "You are a terse assistant.", "turn_detection": nil])),
            .waitFor("session.updated"),
            say("What is the capital of Sweden?", id: "item_U001"), .waitFor("conversation.item.created"),
            .send(respond), .waitFor("response.done"),
        ])

    /// An audio turn with server VAD and an audio answer.
    static let audioVAD = SampleRecording(
        file: "audio-vad.jsonl", dialect: .beta,
        note:
            "An audio turn with server VAD (append, speech_started/stopped, committed, the user item, its input transcription) and an audio answer with interleaved audio and transcript deltas. Audio is a real PCM16 24 kHz tone.",
        options: options(
            .beta, model: betaModel,
            ids: ["sess": ["sess_BETA01"], "resp": ["resp_V001"], "item": ["item_U101", "item_A101"]], tag: "VAD",
            replies: [.message(["Hello", "!", " How", " can", " I", " help", "?"], audioMs: 660)], rateLimits: true),
        steps: [
            update(o(["input_audio_transcription": o(["model": "whisper-1"]), "turn_detection": vad])),
            .waitFor("session.updated"),
            .appendAudio(Tone.pcm(ms: 500, hz: 220, level: 0.25) + Tone.silence(ms: 300)), .waitFor("response.done"),
        ])

    /// A function call round trip.
    static let functionCall = SampleRecording(
        file: "function-call.jsonl", dialect: .beta,
        note:
            "A function call round trip: the model calls get_weather (arguments streamed as deltas), the client sends function_call_output and response.create, and the model answers with text.",
        options: options(
            .beta, model: betaModel,
            ids: [
                "sess": ["sess_BETA01"], "resp": ["resp_F001", "resp_F002"], "call": ["call_7xZq2"],
                "item": ["item_U201", "item_F201", "item_O201", "item_A202"],
            ], tag: "FNC",
            replies: [
                .functionCall(name: "get_weather", arguments: [#"{""#, "city", #"":""#, "Oslo", #""}"#]),
                .message(["It", "'s", " 4", " °C", " and", " overcast", " in", " Oslo", "."]),
            ]),
        steps: [
            update(o(["modalities": ["text"], "tools": [weatherTool], "tool_choice": "auto", "turn_detection": nil])),
            .waitFor("session.updated"),
            say("Weather in Oslo?"), .send(respond), .waitFor("response.done"),
            .answerLastCall(output: #"{"temp_c":4,"sky":"overcast"}"#), .send(respond), .waitFor("response.done"),
        ])

    /// A barge-in: the user speaks over an audio answer, which server VAD cancels; the client truncates it.
    static let bargeIn = SampleRecording(
        file: "barge-in.jsonl", dialect: .beta,
        note:
            "A barge-in. The user speaks while the assistant's audio answer plays; server VAD cancels the response (status cancelled, reason turn_detected, every part still closed), the client truncates the assistant item to the audio actually played, and the next turn is answered.",
        options: options(
            .beta, model: betaModel,
            ids: [
                "sess": ["sess_BETA01"], "resp": ["resp_B001", "resp_B002"],
                "item": ["item_U301", "item_A301", "item_U302", "item_A302"],
            ], tag: "BRG",
            replies: [
                .message(["Sure", ",", " here", " is", " a", " long", " story"], audioMs: 1500),
                .message(["Okay", ",", " stopping", "."], audioMs: 280),
            ], deltaIntervalMs: 30),
        steps: [
            update(o(["turn_detection": vad])), .waitFor("session.updated"),
            .appendAudio(Tone.pcm(ms: 500, hz: 220, level: 0.25) + Tone.silence(ms: 300)),
            .waitFor("response.audio.delta"),
            .appendAudio(Tone.silence(ms: 300) + Tone.pcm(ms: 300, hz: 250, level: 0.25) + Tone.silence(ms: 300)),
            .waitFor("response.done"), .truncateLastAnswer(ms: 320), .waitFor("conversation.item.truncated"),
            .waitFor("response.done"),
        ])

    /// Two documented client mistakes answered with error events.
    static let errors = SampleRecording(
        file: "errors.jsonl", dialect: .beta,
        note:
            "Two documented client mistakes answered with error events: response.create while a response is active (conversation_already_has_active_response, error.event_id naming the client event) and input_audio_buffer.commit with too little audio (input_audio_buffer_commit_empty). The session carries on after each.",
        options: options(
            .beta, model: betaModel,
            ids: ["sess": ["sess_BETA01"], "resp": ["resp_E001"], "item": ["item_U401", "item_A401"]], tag: "ERR",
            replies: [
                .message(["Why", " did", " the", " socket", " close", "?", " It", " needed", " a", " break", "."])
            ]
        ),
        steps: [
            update(o(["modalities": ["text"], "turn_detection": nil])), .waitFor("session.updated"),
            say("Tell me a joke."), .send(respond), .waitFor("response.created"), .send(respond),
            .waitFor("response.done"),
            .appendAudio(Tone.silence(ms: 40)), .send(o(["type": "input_audio_buffer.commit"])),
            .waitFor("error"), .send(o(["type": "input_audio_buffer.clear"])), .waitFor("input_audio_buffer.cleared"),
        ])

    /// A GA-dialect text session.
    static let gaTextSession = SampleRecording(
        file: "ga-text-session.jsonl", dialect: .ga,
        note:
            "A GA-dialect text session (session.type realtime, conversation.item.added/done, response.output_text.* with obfuscation fields), shaped after the GA traffic quoted in the protocol reference §4.3.",
        options: options(
            .ga, model: "gpt-realtime",
            ids: ["sess": ["sess_GA01"], "resp": ["resp_G001"], "item": ["item_G001", "item_G002"]], tag: "GA",
            replies: [.message(["Hej", "!", " Hur", " mår", " du", "?"])], rateLimits: true, obfuscation: true),
        steps: [
            update(
                o([
                    "type": "realtime", "output_modalities": ["text"],
                    "audio": o(["input": o(["turn_detection": nil])]),
                ])),
            .waitFor("session.updated"),
            say("Say hello in Swedish."), .send(respond), .waitFor("response.done"),
        ])

    // MARK: - Building client events

    static let respond = o(["type": "response.create"])

    static let vad = o([
        "type": "server_vad", "threshold": .double(0.5), "prefix_padding_ms": 300, "silence_duration_ms": 200,
        "create_response": true, "interrupt_response": true,
    ])

    static let weatherTool = o([
        "type": "function", "name": "get_weather", "description": "Current weather for a city",
        "parameters": o(["type": "object", "properties": o(["city": o(["type": "string"])]), "required": ["city"]]),
    ])

    static func update(_ session: JSON) -> ClientScript.Step {
        .send(o(["type": "session.update", "session": session]))
    }

    static func say(_ text: String, id: String? = nil) -> ClientScript.Step {
        var item = o([
            "type": "message", "role": "user", "content": [o(["type": "input_text", "text": .string(text)])],
        ])
        if let id { item = o(["id": .string(id)]).merging(item, deep: false) }
        return .send(o(["type": "conversation.item.create", "item": item]))
    }

    /// An object with its keys in the order written.
    static func o(_ pairs: KeyValuePairs<String, JSON>) -> JSON { .object(pairs.map { ($0.key, $0.value) }) }
}
