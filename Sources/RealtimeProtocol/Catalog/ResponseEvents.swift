// Response lifecycle and delta streams, beta names (§2.4, §4.3). GA renames are derived in GAEvents.swift.

extension EventCatalog {
    static let responseStatuses = ["in_progress", "completed", "cancelled", "failed", "incomplete"]
    static let partRef: [FieldSpec] = [
        req("response_id", .string), req("item_id", .string), req("output_index", .integer),
        req("content_index", .integer),
    ]
    static let partIDs = [IDField(.response, "response_id"), IDField(.item, "item_id")]
    static let partKeys = ["response_id", "item_id", "output_index", "content_index"]
    static let callRef: [FieldSpec] = [
        req("response_id", .string), req("item_id", .string), req("output_index", .integer), req("call_id", .string),
    ]
    static let callIDs = partIDs + [IDField(.call, "call_id")]

    static let responseObjectFields: [FieldSpec] = [
        req("response", .object), req("response.id", .string), opt("response.object", .string),
        req("response.status", .string, allowed: responseStatuses), opt("response.status_details", .object),
        opt("response.status_details.type", .string, allowed: ["completed", "cancelled", "incomplete", "failed"]),
        opt(
            "response.status_details.reason", .string,
            allowed: ["turn_detected", "client_cancelled", "max_output_tokens", "content_filter"]),
        opt("response.output", .array), opt("response.usage", .object), opt("response.conversation_id", .string),
        opt("response.metadata", .object),
    ]

    static let responseEvents: [EventSpec] = [
        EventSpec(
            name: "response.created", direction: .serverToClient, dialects: .both, family: .response,
            fields: [serverEventID] + responseObjectFields, ids: [IDField(.response, "response.id")],
            summary: [.value("response.status"), .value("response.conversation_id")],
            note: "First event of a response; status in_progress."),
        EventSpec(
            name: "response.done", direction: .serverToClient, dialects: .both, family: .response,
            fields: [serverEventID] + responseObjectFields, ids: [IDField(.response, "response.id")],
            summary: [
                .value("response.status"), .value("response.status_details.reason"),
                .value("response.status_details.error.code"), .value("response.usage.total_tokens"),
            ],
            note: "Always the last event of a response, whatever the outcome."),
        EventSpec(
            name: "response.output_item.added", direction: .serverToClient, dialects: .both, family: .response,
            fields: [serverEventID, req("response_id", .string), req("output_index", .integer)] + itemFields,
            ids: [IDField(.response, "response_id")] + itemIDs, summary: itemSummary),
        EventSpec(
            name: "response.output_item.done", direction: .serverToClient, dialects: .both, family: .response,
            fields: [serverEventID, req("response_id", .string), req("output_index", .integer)] + itemFields,
            ids: [IDField(.response, "response_id")] + itemIDs, summary: itemSummary,
            note: "Also sent when the response is cancelled or incomplete."),
        EventSpec(
            name: "response.content_part.added", direction: .serverToClient, dialects: .both, family: .response,
            fields: [serverEventID] + partRef + [req("part", .object), opt("part.type", .string)],
            ids: partIDs, summary: [.value("part.type"), .value("content_index")]),
        EventSpec(
            name: "response.content_part.done", direction: .serverToClient, dialects: .both, family: .response,
            fields: [serverEventID] + partRef + [req("part", .object), opt("part.type", .string)],
            ids: partIDs, summary: [.value("part.type"), .text("part.text"), .text("part.transcript")]),
        EventSpec(
            name: "response.text.delta", direction: .serverToClient, dialects: .beta, family: .delta,
            fields: [serverEventID] + partRef + [req("delta", .string)], ids: partIDs, summary: [.text("delta")],
            stream: textStream(done: "response.text.done")),
        EventSpec(
            name: "response.text.done", direction: .serverToClient, dialects: .beta, family: .response,
            fields: [serverEventID] + partRef + [req("text", .string)], ids: partIDs, summary: [.text("text")]),
        EventSpec(
            name: "response.audio_transcript.delta", direction: .serverToClient, dialects: .beta, family: .delta,
            fields: [serverEventID] + partRef + [req("delta", .string)], ids: partIDs, summary: [.text("delta")],
            stream: transcriptStream(done: "response.audio_transcript.done")),
        EventSpec(
            name: "response.audio_transcript.done", direction: .serverToClient, dialects: .beta, family: .response,
            fields: [serverEventID] + partRef + [req("transcript", .string)], ids: partIDs,
            summary: [.text("transcript")]),
        EventSpec(
            name: "response.audio.delta", direction: .serverToClient, dialects: .beta, family: .delta,
            fields: [serverEventID] + partRef + [req("delta", .string)], ids: partIDs, summary: [.audio("delta")],
            stream: audioStream(done: "response.audio.done")),
        EventSpec(
            name: "response.audio.done", direction: .serverToClient, dialects: .beta, family: .response,
            fields: [serverEventID] + partRef, ids: partIDs),
        EventSpec(
            name: "response.function_call_arguments.delta", direction: .serverToClient, dialects: .both,
            family: .delta, fields: [serverEventID] + callRef + [req("delta", .string)], ids: callIDs,
            summary: [.text("delta")],
            stream: StreamSpec(
                keys: ["response_id", "item_id", "output_index", "call_id"], deltaField: "delta", payload: .json,
                doneEvent: "response.function_call_arguments.done", finalField: "arguments")),
        EventSpec(
            name: "response.function_call_arguments.done", direction: .serverToClient, dialects: .both,
            family: .response, fields: [serverEventID] + callRef + [req("arguments", .string), opt("name", .string)],
            ids: callIDs, summary: [.value("name"), .text("arguments")],
            note: "name is sent in practice although the beta spec omits it."),
    ]

    static func textStream(done: String) -> StreamSpec {
        StreamSpec(
            keys: partKeys, deltaField: "delta", payload: .text, doneEvent: done, finalField: "text", partType: "text")
    }
    static func transcriptStream(done: String) -> StreamSpec {
        StreamSpec(
            keys: partKeys, deltaField: "delta", payload: .text, doneEvent: done, finalField: "transcript",
            partType: "audio")
    }
    static func audioStream(done: String) -> StreamSpec {
        StreamSpec(
            keys: partKeys, deltaField: "delta", payload: .audio, doneEvent: done, finalField: nil, partType: "audio")
    }
}
