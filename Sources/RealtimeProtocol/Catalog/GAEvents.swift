// GA-only events and the beta → GA renames (§3.2). Renamed events are derived from their beta
// originals so the two dialects cannot drift apart.

extension EventCatalog {
    /// Beta event name → GA event name, for events whose name changed.
    public static let gaRenames: [(beta: String, ga: String)] = [
        ("response.text.delta", "response.output_text.delta"),
        ("response.text.done", "response.output_text.done"),
        ("response.audio.delta", "response.output_audio.delta"),
        ("response.audio.done", "response.output_audio.done"),
        ("response.audio_transcript.delta", "response.output_audio_transcript.delta"),
        ("response.audio_transcript.done", "response.output_audio_transcript.done"),
        ("conversation.item.created", "conversation.item.added"),
        ("transcription_session.update", "session.update"),
        ("transcription_session.created", "session.created"),
        ("transcription_session.updated", "session.updated"),
    ]

    /// GA events derived from beta ones by renaming (`session.update` and so on exist in both already).
    static var renamedGAEvents: [EventSpec] {
        let byName = Dictionary(
            uniqueKeysWithValues: (clientEvents + sessionServerEvents + responseEvents).map {
                ($0.name, $0)
            })
        return gaRenames.compactMap { pair -> EventSpec? in
            guard let beta = byName[pair.beta], byName[pair.ga] == nil else { return nil }
            let stream = beta.stream.map {
                StreamSpec(
                    keys: $0.keys, deltaField: $0.deltaField, payload: $0.payload,
                    doneEvent: gaName(for: $0.doneEvent), finalField: $0.finalField, partType: $0.partType)
            }
            let extra = beta.stream == nil ? [] : [opt("obfuscation", .string)]
            return beta.renamed(pair.ga, dialects: .ga, stream: stream, extraFields: extra)
        }
    }

    /// The GA name of a beta event (the same name when it did not change).
    public static func gaName(for beta: String) -> String {
        gaRenames.first { $0.beta == beta }?.ga ?? beta
    }

    static let gaOnlyEvents: [EventSpec] =
        [
            EventSpec(
                name: "conversation.item.done", direction: .serverToClient, dialects: .ga, family: .conversation,
                fields: [serverEventID, opt("previous_item_id", .string)] + itemFields,
                ids: itemIDs + [IDField(.previousItem, "previous_item_id")], summary: itemSummary,
                note: "Order against response.output_item.done is not fixed."),
            EventSpec(
                name: "input_audio_buffer.dtmf_event_received", direction: .serverToClient, dialects: .ga,
                family: .inputAudio, fields: [req("event", .string), req("received_at", .integer)],
                summary: [.value("event")], transport: .webRTC, note: "SIP only; carries no event_id."),
            EventSpec(
                name: "response.mcp_call_arguments.delta", direction: .serverToClient, dialects: .ga, family: .delta,
                fields: [
                    serverEventID, req("response_id", .string), req("item_id", .string),
                    req("output_index", .integer), req("delta", .string), opt("obfuscation", .string),
                ],
                ids: partIDs, summary: [.text("delta")],
                stream: StreamSpec(
                    keys: ["response_id", "item_id", "output_index"], deltaField: "delta", payload: .json,
                    doneEvent: "response.mcp_call_arguments.done", finalField: "arguments")),
            EventSpec(
                name: "response.mcp_call_arguments.done", direction: .serverToClient, dialects: .ga, family: .mcp,
                fields: [
                    serverEventID, req("response_id", .string), req("item_id", .string),
                    req("output_index", .integer), req("arguments", .string),
                ],
                ids: partIDs, summary: [.text("arguments")]),
        ] + mcpStatusEvents

    static var mcpStatusEvents: [EventSpec] {
        let call = ["in_progress", "completed", "failed"].map { status in
            EventSpec(
                name: "response.mcp_call.\(status)", direction: .serverToClient, dialects: .ga, family: .mcp,
                fields: [serverEventID, req("item_id", .string), req("output_index", .integer)],
                ids: [IDField(.item, "item_id")], summary: [.value("item_id")])
        }
        let list = ["in_progress", "completed", "failed"].map { status in
            EventSpec(
                name: "mcp_list_tools.\(status)", direction: .serverToClient, dialects: .ga, family: .mcp,
                fields: [serverEventID, req("item_id", .string)], ids: [IDField(.item, "item_id")],
                summary: [.value("item_id")])
        }
        return call + list
    }
}
