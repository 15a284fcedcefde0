// Client events of both dialects (protocol reference §2.3, §3.1, §4.2).

extension EventCatalog {
    /// The optional `event_id` every client event may carry (≤ 512 characters).
    static let clientEventID = opt("event_id", .string, nullable: false)

    static let clientEvents: [EventSpec] = [
        EventSpec(
            name: "session.update", direction: .clientToServer, dialects: .both, family: .session,
            fields: [
                clientEventID, req("session", .object),
                opt("session.type", .string, nullable: false, allowed: ["realtime", "transcription"]),
                opt("session.modalities", .array), opt("session.output_modalities", .array),
                opt("session.voice", .string, .object), opt("session.instructions", .string),
                opt("session.input_audio_format", .string, allowed: ["pcm16", "g711_ulaw", "g711_alaw"]),
                opt("session.output_audio_format", .string, allowed: ["pcm16", "g711_ulaw", "g711_alaw"]),
                opt("session.turn_detection", .object), opt("session.input_audio_transcription", .object),
                opt("session.tools", .array), opt("session.tool_choice", .string, .object),
                opt("session.temperature", .number), opt("session.max_response_output_tokens", .integer, .string),
                opt("session.max_output_tokens", .integer, .string), opt("session.audio", .object),
            ],
            summary: [
                .value("session.type"), .value("session.voice"), .value("session.modalities"),
                .value("session.output_modalities"), .value("session.turn_detection.type"),
            ],
            answers: ["session.updated"],
            note: "GA requires session.type; model cannot change; voice cannot change once audio was produced."),
        EventSpec(
            name: "transcription_session.update", direction: .clientToServer, dialects: .beta,
            family: .session, fields: [clientEventID, req("session", .object)],
            answers: ["transcription_session.updated"],
            note: "Beta only; GA uses session.update with session.type \"transcription\"."),
        EventSpec(
            name: "input_audio_buffer.append", direction: .clientToServer, dialects: .both, family: .inputAudio,
            fields: [clientEventID, req("audio", .string)], summary: [.audio("audio")],
            note: "No acknowledgement; at most 15 MiB of base64 per event."),
        EventSpec(
            name: "input_audio_buffer.commit", direction: .clientToServer, dialects: .both, family: .inputAudio,
            fields: [clientEventID], answers: ["input_audio_buffer.committed"],
            note: "Fails with input_audio_buffer_commit_empty under 100 ms of audio; does not start a response."),
        EventSpec(
            name: "input_audio_buffer.clear", direction: .clientToServer, dialects: .both, family: .inputAudio,
            fields: [clientEventID], answers: ["input_audio_buffer.cleared"]),
        EventSpec(
            name: "conversation.item.create", direction: .clientToServer, dialects: .both, family: .conversation,
            fields: [
                clientEventID, opt("previous_item_id", .string), req("item", .object),
                req("item.type", .string, allowed: itemTypes), opt("item.id", .string, nullable: false),
                opt("item.role", .string, allowed: ["user", "assistant", "system"]),
                opt("item.content", .array), opt("item.call_id", .string), opt("item.output", .string),
            ],
            ids: [
                IDField(.item, "item.id"), IDField(.previousItem, "previous_item_id"), IDField(.call, "item.call_id"),
            ],
            summary: [
                .value("item.type"), .value("item.role"), .text("item.content.0.text"), .value("item.call_id"),
                .text("item.output"),
            ],
            answers: ["conversation.item.created", "conversation.item.added"],
            note: "previous_item_id \"root\" inserts at the start; a function_call_output needs an existing call_id."),
        EventSpec(
            name: "conversation.item.retrieve", direction: .clientToServer, dialects: .both, family: .conversation,
            fields: [clientEventID, req("item_id", .string)], ids: [IDField(.item, "item_id")],
            summary: [.value("item_id")], answers: ["conversation.item.retrieved"]),
        EventSpec(
            name: "conversation.item.truncate", direction: .clientToServer, dialects: .both, family: .conversation,
            fields: [
                clientEventID, req("item_id", .string), req("content_index", .integer),
                req("audio_end_ms", .integer),
            ],
            ids: [IDField(.item, "item_id")], summary: [.value("item_id"), .value("audio_end_ms")],
            answers: ["conversation.item.truncated"],
            note: "Only assistant audio; audio_end_ms beyond the audio received is an error."),
        EventSpec(
            name: "conversation.item.delete", direction: .clientToServer, dialects: .both, family: .conversation,
            fields: [clientEventID, req("item_id", .string)], ids: [IDField(.item, "item_id")],
            summary: [.value("item_id")], answers: ["conversation.item.deleted"]),
        EventSpec(
            name: "response.create", direction: .clientToServer, dialects: .both, family: .response,
            fields: [
                clientEventID, opt("response", .object),
                opt("response.conversation", .string, allowed: ["auto", "none"]),
                opt("response.modalities", .array), opt("response.output_modalities", .array),
                opt("response.instructions", .string), opt("response.input", .array),
                opt("response.metadata", .object), opt("response.tools", .array),
            ],
            summary: [
                .value("response.conversation"), .value("response.modalities"),
                .value("response.output_modalities"),
            ],
            answers: ["response.created"],
            note: "Only one default-conversation response at a time: a second one gets "
                + "conversation_already_has_active_response."),
        EventSpec(
            name: "response.cancel", direction: .clientToServer, dialects: .both, family: .response,
            fields: [clientEventID, opt("response_id", .string, nullable: false)],
            ids: [IDField(.response, "response_id")], summary: [.value("response_id")],
            answers: ["response.done"],
            note: "Answered by response.done with status cancelled, or error response_cancel_not_active."),
        EventSpec(
            name: "output_audio_buffer.clear", direction: .clientToServer, dialects: .both, family: .outputAudio,
            fields: [clientEventID], answers: ["output_audio_buffer.cleared"], transport: .webRTC,
            note: "WebRTC/SIP only; should follow response.cancel."),
    ]

    /// Item types of both dialects (GA adds the MCP ones).
    static let itemTypes = [
        "message", "function_call", "function_call_output", "mcp_call", "mcp_list_tools",
        "mcp_approval_request", "mcp_approval_response",
    ]
}
