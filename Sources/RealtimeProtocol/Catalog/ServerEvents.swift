// Server events about the session, the conversation and the input audio buffer (§2.4, §3.2).

extension EventCatalog {
    /// The `event_id` every server event carries (GA dtmf excepted).
    static let serverEventID = req("event_id", .string)

    static let itemFields: [FieldSpec] = [
        req("item", .object), req("item.type", .string, allowed: itemTypes), opt("item.id", .string),
        opt("item.status", .string, allowed: ["completed", "incomplete", "in_progress"]),
        opt("item.role", .string, allowed: ["user", "assistant", "system"]), opt("item.content", .array),
        opt("item.call_id", .string), opt("item.name", .string), opt("item.arguments", .string),
        opt("item.output", .string),
    ]
    static let itemIDs = [IDField(.item, "item.id"), IDField(.call, "item.call_id")]
    static let itemSummary: [SummaryField] = [
        .value("item.type"), .value("item.role"), .value("item.status"), .value("item.name"), .value("item.call_id"),
        .text("item.content.0.text"), .text("item.content.0.transcript"),
    ]

    static let sessionServerEvents: [EventSpec] = [
        EventSpec(
            name: "session.created", direction: .serverToClient, dialects: .both, family: .session,
            fields: [
                serverEventID, req("session", .object), opt("session.id", .string),
                opt("session.type", .string, allowed: ["realtime", "transcription"]),
            ],
            ids: [IDField(.session, "session.id")],
            summary: [.value("session.type"), .value("session.model"), .value("session.voice")],
            note: "First server event of a connection, exactly once."),
        EventSpec(
            name: "session.updated", direction: .serverToClient, dialects: .both, family: .session,
            fields: [serverEventID, req("session", .object), opt("session.id", .string)],
            ids: [IDField(.session, "session.id")],
            summary: [
                .value("session.voice"), .value("session.modalities"), .value("session.output_modalities"),
                .value("session.turn_detection.type"),
            ],
            note: "Carries the full effective configuration."),
        EventSpec(
            name: "transcription_session.created", direction: .serverToClient, dialects: .beta, family: .session,
            fields: [serverEventID, req("session", .object), opt("session.id", .string)],
            ids: [IDField(.session, "session.id")],
            note: "Beta transcription sessions: takes the place of session.created."),
        EventSpec(
            name: "transcription_session.updated", direction: .serverToClient, dialects: .beta, family: .session,
            fields: [serverEventID, req("session", .object), opt("session.id", .string)],
            ids: [IDField(.session, "session.id")]),
        EventSpec(
            name: "conversation.created", direction: .serverToClient, dialects: .both, family: .conversation,
            fields: [serverEventID, req("conversation", .object), opt("conversation.id", .string)],
            ids: [IDField(.conversation, "conversation.id")], summary: [.value("conversation.id")],
            note: "Optional: real servers may not send it."),
        EventSpec(
            name: "error", direction: .serverToClient, dialects: .both, family: .error,
            fields: [
                serverEventID, req("error", .object), req("error.type", .string), req("error.message", .string),
                opt("error.code", .string), opt("error.param", .string), opt("error.event_id", .string),
            ],
            summary: [.value("error.code"), .text("error.message"), .value("error.event_id")],
            note: "error.event_id names the client event that caused it, when the server can tell (may be null)."),
        EventSpec(
            name: "rate_limits.updated", direction: .serverToClient, dialects: .both, family: .rateLimits,
            fields: [serverEventID, req("rate_limits", .array)],
            summary: [.value("rate_limits.0.name"), .value("rate_limits.0.remaining"), .value("rate_limits.0.limit")],
            note: "May come at any time, any number of times, with an empty array, or not at all."),
        EventSpec(
            name: "conversation.item.created", direction: .serverToClient, dialects: .both, family: .conversation,
            fields: [serverEventID, opt("previous_item_id", .string)] + itemFields,
            ids: itemIDs + [IDField(.previousItem, "previous_item_id")], summary: itemSummary,
            note: "Beta name; GA servers send conversation.item.added + .done, but SDK unions still accept it."),
        EventSpec(
            name: "conversation.item.retrieved", direction: .serverToClient, dialects: .both, family: .conversation,
            fields: [serverEventID] + itemFields, ids: itemIDs, summary: itemSummary),
        EventSpec(
            name: "conversation.item.truncated", direction: .serverToClient, dialects: .both, family: .conversation,
            fields: [
                serverEventID, req("item_id", .string), req("content_index", .integer),
                req("audio_end_ms", .integer),
            ],
            ids: [IDField(.item, "item_id")], summary: [.value("item_id"), .value("audio_end_ms")]),
        EventSpec(
            name: "conversation.item.deleted", direction: .serverToClient, dialects: .both, family: .conversation,
            fields: [serverEventID, req("item_id", .string)], ids: [IDField(.item, "item_id")],
            summary: [.value("item_id")]),
        EventSpec(
            name: "conversation.item.input_audio_transcription.delta", direction: .serverToClient, dialects: .both,
            family: .delta,
            fields: [
                serverEventID, req("item_id", .string), opt("content_index", .integer), opt("delta", .string),
                opt("logprobs", .array), opt("obfuscation", .string),
            ],
            ids: [IDField(.item, "item_id")], summary: [.text("delta")],
            stream: StreamSpec(
                keys: ["item_id", "content_index"], deltaField: "delta", payload: .text,
                doneEvent: "conversation.item.input_audio_transcription.completed", finalField: "transcript")),
        EventSpec(
            name: "conversation.item.input_audio_transcription.completed", direction: .serverToClient,
            dialects: .both, family: .transcription,
            fields: [
                serverEventID, req("item_id", .string), req("content_index", .integer),
                req("transcript", .string), opt("logprobs", .array), opt("usage", .object),
            ],
            ids: [IDField(.item, "item_id")], summary: [.text("transcript")],
            note: "Asynchronous: may arrive before the item's created/added event or after the response."),
        EventSpec(
            name: "conversation.item.input_audio_transcription.failed", direction: .serverToClient,
            dialects: .both, family: .transcription,
            fields: [serverEventID, req("item_id", .string), req("content_index", .integer), req("error", .object)],
            ids: [IDField(.item, "item_id")], summary: [.value("error.code"), .text("error.message")]),
        EventSpec(
            name: "conversation.item.input_audio_transcription.segment", direction: .serverToClient,
            dialects: .both, family: .transcription,
            fields: [
                serverEventID, req("item_id", .string), req("content_index", .integer), req("text", .string),
                req("id", .string), req("speaker", .string), req("start", .number), req("end", .number),
            ],
            ids: [IDField(.item, "item_id")], summary: [.value("speaker"), .text("text")]),
        EventSpec(
            name: "input_audio_buffer.committed", direction: .serverToClient, dialects: .both, family: .inputAudio,
            fields: [serverEventID, opt("previous_item_id", .string), req("item_id", .string)],
            ids: [IDField(.item, "item_id"), IDField(.previousItem, "previous_item_id")],
            summary: [.value("item_id")]),
        EventSpec(
            name: "input_audio_buffer.cleared", direction: .serverToClient, dialects: .both, family: .inputAudio,
            fields: [serverEventID]),
        EventSpec(
            name: "input_audio_buffer.speech_started", direction: .serverToClient, dialects: .both,
            family: .inputAudio, fields: [serverEventID, req("audio_start_ms", .integer), req("item_id", .string)],
            ids: [IDField(.item, "item_id")], summary: [.value("audio_start_ms"), .value("item_id")],
            note: "Server VAD only."),
        EventSpec(
            name: "input_audio_buffer.speech_stopped", direction: .serverToClient, dialects: .both,
            family: .inputAudio, fields: [serverEventID, req("audio_end_ms", .integer), req("item_id", .string)],
            ids: [IDField(.item, "item_id")], summary: [.value("audio_end_ms"), .value("item_id")],
            note: "Server VAD only."),
        EventSpec(
            name: "input_audio_buffer.timeout_triggered", direction: .serverToClient, dialects: .both,
            family: .inputAudio,
            fields: [
                serverEventID, req("audio_start_ms", .integer), req("audio_end_ms", .integer),
                req("item_id", .string),
            ],
            ids: [IDField(.item, "item_id")], summary: [.value("audio_start_ms"), .value("audio_end_ms")]),
        EventSpec(
            name: "output_audio_buffer.started", direction: .serverToClient, dialects: .both, family: .outputAudio,
            fields: [serverEventID, req("response_id", .string)], ids: [IDField(.response, "response_id")],
            transport: .webRTC),
        EventSpec(
            name: "output_audio_buffer.stopped", direction: .serverToClient, dialects: .both, family: .outputAudio,
            fields: [serverEventID, req("response_id", .string)], ids: [IDField(.response, "response_id")],
            transport: .webRTC, note: "Comes after the response's response.done."),
        EventSpec(
            name: "output_audio_buffer.cleared", direction: .serverToClient, dialects: .both, family: .outputAudio,
            fields: [serverEventID, req("response_id", .string)], ids: [IDField(.response, "response_id")],
            transport: .webRTC),
    ]

    /// Older names real servers still send for events the catalog knows by another name.
    ///
    /// Each is read as its current name (same fields, same rules and ordering allowances). The January 2025 WebRTC names of the output audio
    /// buffer events (`audio_started`, `audio_stopped`, `audio_cleared`) were seen in captured WebRTC traffic.
    public static let olderNames: [(old: String, current: String)] = [
        ("output_audio_buffer.audio_started", "output_audio_buffer.started"),
        ("output_audio_buffer.audio_stopped", "output_audio_buffer.stopped"),
        ("output_audio_buffer.audio_cleared", "output_audio_buffer.cleared"),
    ]

    /// The specs of `olderNames`, derived from their current events.
    static let olderNameEvents: [EventSpec] = olderNames.compactMap { pair in
        sessionServerEvents.first { $0.name == pair.current }.map {
            $0.renamed(
                pair.old, dialects: $0.dialects, stream: nil,
                note: "Older name (January 2025 WebRTC) of \(pair.current); read as that event.")
        }
    }
}
