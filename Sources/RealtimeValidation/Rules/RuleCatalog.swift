import RealtimeRecording

/// Every validation rule, in a stable order.
///
/// `docs/rules.md` is generated from this list (`rtscope rules --markdown`), and a test keeps the two in sync. Sources
/// cite `../shared/docs/realtime-protocol.md` (§ = section, inv. = invariant number in §5).
public enum RuleCatalog {
    public static let all: [RuleInfo] =
        identity + lifecycle + accumulation + conversation + correlation + numbers
        + recording + transport + reader

    static let identity: [RuleInfo] = [
        RuleInfo(
            "event-not-json-object", .error, "A text frame is not a JSON object with a string `type`.",
            requirement: "Every message is one JSON object with a string type.", source: "§1.5, inv. 1"),
        RuleInfo(
            "duplicate-key", .warning,
            "An object in an event has the same key twice (rtscope, like jq and JavaScript, reads the last one).",
            requirement: "The names within a JSON object should be unique; parsers disagree on repeated ones.",
            source: "RFC 8259 §4"),
        RuleInfo(
            "unknown-event-type", .warning, "An event type the catalog does not know.",
            requirement: "Event types come from the protocol; new ones are reported, not rejected.",
            source: "§5 inv. 1"),
        RuleInfo(
            "required-field-missing", .error, "A field the catalog marks required is absent.",
            requirement: "Each event carries its required fields (null counts as present).", source: "§2.3–§3.3"),
        RuleInfo(
            "field-type-mismatch", .error, "A field has the wrong JSON type, or is null where null is not allowed.",
            requirement: "Fields have the JSON types the catalog gives.", source: "§2.3–§3.3"),
        RuleInfo(
            "field-value-not-allowed", .warning, "A string field holds a value outside its documented set.",
            requirement: "Enumerated fields use documented values.", source: "§2.2, §3.3, §4.10"),
        RuleInfo(
            "server-event-id-missing", .error, "A server event has no `event_id`.",
            requirement: "Every server event has a non-empty event_id (GA dtmf excepted).", source: "§1.5, inv. 2"),
        RuleInfo(
            "server-event-id-duplicate", .warning,
            "Two server events share an `event_id` (found within the last 65,536 to 131,072 ids, so memory stays flat).",
            requirement: "Server event ids are unique within a session.", source: "inv. 2"),
        RuleInfo(
            "client-event-id-invalid", .warning,
            "A client `event_id` is reused (within the last 65,536 to 131,072 ids) or longer than 512 characters.",
            requirement: "Client event ids are at most 512 characters and unique.", source: "inv. 3"),
        RuleInfo(
            "session-created-first", .error, "The first server event is not `session.created`.",
            requirement: "session.created (or transcription_session.created) is the first server event.",
            source: "§4.1 R1, inv. 4"),
        RuleInfo(
            "session-created-once", .error, "`session.created` arrives more than once.",
            requirement: "Exactly one session.created per connection.", source: "inv. 4"),
        RuleInfo(
            "dialect-mixed", .warning, "Beta and GA event names in one session.",
            requirement: "A session speaks one dialect: beta names or GA names, never both.", source: "§3, inv. 5"),
    ]

    static let lifecycle: [RuleInfo] = [
        RuleInfo(
            "response-event-outside-lifecycle", .error,
            "An event names a response before its `response.created` or after its `response.done`.",
            requirement: "Events of response R come after response.created(R) and before response.done(R).",
            source: "§4.3 N1, inv. 6"),
        RuleInfo(
            "response-not-done", .error, "A response never gets its `response.done`.",
            requirement: "response.done is always sent, whatever the outcome.", source: "§4.3 N1, inv. 6"),
        RuleInfo(
            "response-status-invalid", .error, "A response status, `status_details.type` or reason is inconsistent.",
            requirement: "created: in_progress; done: completed|cancelled|incomplete|failed; details match status.",
            source: "§4.10, inv. 7"),
        RuleInfo(
            "response-overlap", .error, "Two default-conversation responses are active at once.",
            requirement: "At most one default-conversation response is active; out-of-band ones are exempt.",
            source: "§4.13, inv. 8"),
        RuleInfo(
            "output-index-sequence", .error, "Output indexes of a response skip or repeat.",
            requirement: "output_item.added indexes run 0, 1, 2, … without gaps or repeats.", source: "inv. 9"),
        RuleInfo(
            "output-item-not-closed", .error, "An output item or content part is never closed.",
            requirement: "Every output_item.added / content_part.added gets its done before response.done, "
                + "also when cancelled.",
            source: "§4.3 N4, inv. 9, 11"),
        RuleInfo(
            "response-output-mismatch", .error, "`response.done.output` does not list the response's items in order.",
            requirement: "response.done.response.output holds the items of output_item.added, in output_index order.",
            source: "inv. 10"),
        RuleInfo(
            "content-index-sequence", .error, "Content indexes of an item skip or repeat, or reference no part.",
            requirement: "content_part.added indexes run 0, 1, …; deltas and dones refer to an open part of the item.",
            source: "inv. 11"),
        RuleInfo(
            "stream-order", .error,
            "A delta or done event arrives outside its part or item (before added, after done).",
            requirement: "content_part.added < deltas < type done < content_part.done < output_item.done.",
            source: "§4.3 N3, inv. 11"),
        RuleInfo(
            "delta-family-mismatch", .error, "A delta does not fit its part or item type.",
            requirement: "Text deltas on text parts, audio and transcript deltas on audio parts, argument deltas "
                + "on function_call items.",
            source: "inv. 12"),
        RuleInfo(
            "item-not-in-conversation", .warning,
            "A server output item has no `conversation.item.created` (GA: `.added`) before its content.",
            requirement: "Each output item of a default-conversation response is added to the conversation first.",
            source: "§4.3 N2, inv. 13"),
        RuleInfo(
            "output-item-status", .warning, "An output item's status is unexpected when added or done.",
            requirement: "output_item.added: in_progress and empty content; output_item.done: completed or incomplete.",
            source: "inv. 14"),
        RuleInfo(
            "response-failed", .warning, "A response ended with status `failed` or `incomplete`.",
            requirement: "Responses normally complete; failed and incomplete ones explain silent turns.",
            source: "§4.10"),
    ]

    static let accumulation: [RuleInfo] = [
        RuleInfo(
            "text-accumulation", .error, "Text deltas do not add up to the final text.",
            requirement: "concat(text deltas) = text.done.text = content_part.done.part.text = item content text.",
            source: "inv. 15"),
        RuleInfo(
            "transcript-accumulation", .error, "Audio transcript deltas do not add up to the final transcript.",
            requirement: "concat(transcript deltas) = audio_transcript.done.transcript = part.transcript = item "
                + "content transcript.",
            source: "inv. 16"),
        RuleInfo(
            "audio-sample-alignment", .warning, "An audio part's bytes are not a whole number of samples.",
            requirement: "PCM16 audio comes in whole 2-byte samples.", source: "inv. 17"),
        RuleInfo(
            "arguments-accumulation", .error,
            "Function-call argument deltas, `call_id` or `name` disagree with the done event or the item.",
            requirement: "concat(argument deltas) = arguments.done.arguments = item.arguments; call_id and name agree.",
            source: "§4.4, inv. 18"),
        RuleInfo(
            "arguments-not-json", .warning, "Final function-call arguments are not valid JSON.",
            requirement: "Function-call arguments parse as JSON.", source: "inv. 18"),
        RuleInfo(
            "input-transcript-accumulation", .warning, "Input transcription deltas do not add up to the transcript.",
            requirement: "concat(input transcription deltas) = ….completed.transcript.", source: "§4.7 T3, inv. 19"),
    ]

    static let conversation: [RuleInfo] = [
        RuleInfo(
            "previous-item-unknown", .error, "`previous_item_id` names an item that is not in the conversation.",
            requirement: "previous_item_id is null or the id of an item in the conversation.", source: "inv. 20"),
        RuleInfo(
            "item-reference-unknown", .error, "An event refers to an item that does not exist (or was deleted).",
            requirement: "deleted/truncated/retrieved and transcription events refer to existing items.",
            source: "§4.7 T2, inv. 21"),
        RuleInfo(
            "function-output-unknown-call", .error,
            "A `function_call_output` refers to a `call_id` no function call has.",
            requirement: "function_call_output.call_id names an existing function_call item.", source: "inv. 22"),
        RuleInfo(
            "function-output-without-response", .warning,
            "A `function_call_output` is never followed by a response (the assistant goes silent).",
            requirement: "After sending a function_call_output, send response.create so the model continues.",
            source: "§4.4 step 3"),
        RuleInfo(
            "truncate-target-invalid", .error,
            "`conversation.item.truncate` targets something other than assistant audio.",
            requirement: "Truncate an assistant message item's audio content part.", source: "§4.8 C2, inv. 23"),
        RuleInfo(
            "truncate-beyond-audio", .warning, "A truncate's `audio_end_ms` exceeds the audio received (or none was).",
            requirement: "audio_end_ms is at most the duration of audio received for that part.",
            source: "§4.8, inv. 24"),
        RuleInfo(
            "vad-id-mismatch", .warning, "VAD events of one turn disagree on the item id, or their times go backwards.",
            requirement: "speech_started, speech_stopped, committed and the created item share one item_id; "
                + "times never go backwards.",
            source: "§4.5 V1–V2, inv. 25"),
        RuleInfo(
            "vad-without-turn-detection", .warning, "Speech events while turn detection is off.",
            requirement: "No speech_started/stopped when the effective turn_detection is null.", source: "inv. 26"),
    ]

    static let correlation: [RuleInfo] = [
        RuleInfo(
            "client-event-unanswered", .warning, "A client event gets neither its answer nor an error.",
            requirement: "Each acknowledged client event is answered (or rejected with error.event_id).",
            source: "§4.2, inv. 27"),
        RuleInfo(
            "item-ack-id-mismatch", .warning,
            "The item created for a client's `conversation.item.create` has another id.",
            requirement: "When the client sets item.id, the acknowledgement carries the same id.", source: "inv. 28"),
        RuleInfo(
            "response-create-while-active", .warning, "`response.create` sent while a response is still active.",
            requirement: "Wait for response.done before the next default-conversation response.create.",
            source: "§4.13, inv. 29"),
        RuleInfo(
            "cancel-unresolved", .warning, "`response.cancel` is followed by neither a finished response nor an error.",
            requirement: "After response.cancel the response ends (cancelled) or error response_cancel_not_active.",
            source: "§4.8 C1, inv. 30"),
        RuleInfo(
            "server-error", .warning, "The server sent an `error` event.",
            requirement: "A client that speaks the protocol correctly gets no errors.", source: "§4.9"),
        RuleInfo(
            "session-update-not-reflected", .warning,
            "`session.updated` does not show a value `session.update` asked for.",
            requirement: "session.updated reflects the requested configuration (silent failures otherwise).",
            source: "§4.1 R4"),
    ]

    static let numbers: [RuleInfo] = [
        RuleInfo(
            "usage-arithmetic", .warning, "Token usage does not add up.",
            requirement: "total = input + output; input = text + audio (+ image); output = text + audio; all ≥ 0.",
            source: "§4.11, inv. 31"),
        RuleInfo(
            "rate-limits-invalid", .warning, "A rate limit has remaining > limit or a negative reset.",
            requirement: "remaining ≤ limit and reset_seconds ≥ 0.", source: "§4.12, inv. 32"),
        RuleInfo(
            "session-update-out-of-range", .warning, "A `session.update` value is outside its documented range.",
            requirement: "temperature 0.6–1.2; max tokens 1–4096 or \"inf\"; idle_timeout_ms 5000–30000; "
                + "speed 0.25–1.5.",
            source: "§2.2, inv. 33"),
    ]

    /// Whole-recording checks (`RecordingChecks`): a session that never started.
    static let recording: [RuleInfo] = [
        RuleInfo(
            "handshake-refused", .error, "The upstream refused the WebSocket upgrade (the header's status is not 101).",
            requirement: "A session starts with HTTP 101 Switching Protocols.", source: "§1.1–§1.4"),
        RuleInfo(
            "recording-empty", .error, "The recording holds no frames (a 0-byte file, or a header alone).",
            requirement: "A recorded session holds at least one frame.", source: "docs/recording-format.md"),
    ]

    /// Traffic the recording says did not get through (the proxy's `error` lines, a HAR's error entries).
    static let transport: [RuleInfo] = [
        RuleInfo(
            "transport-error", .error,
            "The recording holds a transport error instead of a frame: a frame over `record --max-frame-size` "
                + "(not forwarded; the connection was closed with 1009), or an error entry of an imported log.",
            requirement: "Every message of the session crossed the connection.", source: "docs/recording-format.md")
    ]

    /// Problems with the input itself, reported by the reader (`reader.<code>`).
    static let reader: [RuleInfo] = [
        RuleInfo(
            "reader.invalid-json", .error, "A line is not valid JSON (or not valid UTF-8).",
            requirement: "Every recording line is one JSON object.", source: "docs/recording-format.md"),
        RuleInfo(
            "reader.truncated-line", .warning, "The last line is incomplete (a killed recorder).",
            requirement: "Every line ends with a newline.", source: "docs/recording-format.md"),
        RuleInfo(
            "reader.not-a-frame", .error, "A line is JSON but not a recording frame.",
            requirement: "Frame lines carry dir and op.", source: "docs/recording-format.md"),
        RuleInfo(
            "reader.line-too-long", .error, "A line exceeds the reader's limit and was skipped.",
            requirement: "Lines stay under 512 MiB.", source: "docs/recording-format.md"),
        RuleInfo(
            "reader.header", .warning, "The header is missing, malformed, or of a newer version.",
            requirement: "A recording starts with a format v1 header.", source: "docs/recording-format.md"),
    ]

    /// The rule with this id.
    public static func info(_ id: String) -> RuleInfo? { byID[id] }

    static let byID = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
}
