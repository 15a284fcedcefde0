import RealtimeProtocol
import RealtimeRecording

/// The event names the validator's rules switch on, in their beta spelling.
///
/// GA events whose names changed are mapped to these through `EventCatalog.counterpart(of:)`
/// before dispatch, so rules are written once for both dialects. A test checks that every name
/// here exists in the catalog, so the catalog stays the source of truth.
enum EventNames {
    static let sessionCreated = "session.created"
    static let sessionUpdated = "session.updated"
    static let sessionUpdate = "session.update"
    static let transcriptionSessionCreated = "transcription_session.created"
    static let transcriptionSessionUpdated = "transcription_session.updated"
    static let itemCreate = "conversation.item.create"
    static let itemCreated = "conversation.item.created"
    static let itemDone = "conversation.item.done"
    static let itemRetrieved = "conversation.item.retrieved"
    static let itemTruncate = "conversation.item.truncate"
    static let itemTruncated = "conversation.item.truncated"
    static let itemDeleted = "conversation.item.deleted"
    static let itemDelete = "conversation.item.delete"
    static let itemRetrieve = "conversation.item.retrieve"
    static let transcriptionDelta = "conversation.item.input_audio_transcription.delta"
    static let transcriptionCompleted = "conversation.item.input_audio_transcription.completed"
    static let transcriptionFailed = "conversation.item.input_audio_transcription.failed"
    static let transcriptionSegment = "conversation.item.input_audio_transcription.segment"
    static let committed = "input_audio_buffer.committed"
    static let commit = "input_audio_buffer.commit"
    static let speechStarted = "input_audio_buffer.speech_started"
    static let speechStopped = "input_audio_buffer.speech_stopped"
    static let error = "error"
    static let rateLimits = "rate_limits.updated"
    static let responseCreate = "response.create"
    static let responseCancel = "response.cancel"
    static let responseCreated = "response.created"
    static let responseDone = "response.done"
    static let outputItemAdded = "response.output_item.added"
    static let outputItemDone = "response.output_item.done"
    static let partAdded = "response.content_part.added"
    static let partDone = "response.content_part.done"
    static let argumentsDone = "response.function_call_arguments.done"
    static let outputAudioStopped = "output_audio_buffer.stopped"
    static let outputAudioCleared = "output_audio_buffer.cleared"

    static let all = [
        sessionCreated, sessionUpdated, sessionUpdate, transcriptionSessionCreated, transcriptionSessionUpdated,
        itemCreate, itemCreated, itemDone, itemRetrieved, itemTruncate, itemTruncated, itemDeleted, itemDelete,
        itemRetrieve, transcriptionDelta, transcriptionCompleted, transcriptionFailed, transcriptionSegment,
        committed, commit, speechStarted, speechStopped, error, rateLimits, responseCreate, responseCancel,
        responseCreated,
        responseDone, outputItemAdded, outputItemDone, partAdded, partDone, argumentsDone, outputAudioStopped,
        outputAudioCleared,
    ]
}

/// What an event means to the rules; looked up once per event instead of comparing names.
enum EventRole {
    case sessionCreated, sessionUpdated, itemCreated, itemDone, itemRetrieved, itemTruncated, itemDeleted
    case transcriptionDelta, transcriptionOther, committed, speechStarted, speechStopped, error, rateLimits
    case responseCreated, responseDone, outputItemAdded, outputItemDone, partAdded, partDone, argumentsDone
    case responseOther
    case sessionUpdate, itemCreate, itemTruncate, itemDelete, itemRetrieve, responseCreate, responseCancel
    case other

    /// Roles by canonical (beta) event name.
    static let byName: [String: EventRole] = {
        var map: [String: EventRole] = [
            EventNames.sessionCreated: .sessionCreated, EventNames.transcriptionSessionCreated: .sessionCreated,
            EventNames.sessionUpdated: .sessionUpdated, EventNames.transcriptionSessionUpdated: .sessionUpdated,
            EventNames.itemCreated: .itemCreated, EventNames.itemDone: .itemDone,
            EventNames.itemRetrieved: .itemRetrieved, EventNames.itemTruncated: .itemTruncated,
            EventNames.itemDeleted: .itemDeleted, EventNames.transcriptionDelta: .transcriptionDelta,
            EventNames.transcriptionCompleted: .transcriptionOther, EventNames.transcriptionFailed: .transcriptionOther,
            EventNames.transcriptionSegment: .transcriptionOther, EventNames.committed: .committed,
            EventNames.speechStarted: .speechStarted, EventNames.speechStopped: .speechStopped,
            EventNames.error: .error,
            EventNames.rateLimits: .rateLimits, EventNames.responseCreated: .responseCreated,
            EventNames.responseDone: .responseDone, EventNames.outputItemAdded: .outputItemAdded,
            EventNames.outputItemDone: .outputItemDone, EventNames.partAdded: .partAdded,
            EventNames.partDone: .partDone, EventNames.argumentsDone: .argumentsDone,
            EventNames.sessionUpdate: .sessionUpdate, EventNames.itemCreate: .itemCreate,
            EventNames.itemTruncate: .itemTruncate, EventNames.itemDelete: .itemDelete,
            EventNames.itemRetrieve: .itemRetrieve, EventNames.responseCreate: .responseCreate,
            EventNames.responseCancel: .responseCancel,
        ]
        for spec in EventCatalog.standard.events where map[spec.name] == nil && spec.direction == .serverToClient {
            if spec.name.hasPrefix("response.") || spec.name.hasPrefix("output_audio_buffer.") {
                map[spec.name] = .responseOther
            }
        }
        return map
    }()
}
