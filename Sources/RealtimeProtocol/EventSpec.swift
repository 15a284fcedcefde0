/// What kind of thing an event is about; views colour rows by family.
public enum EventFamily: String, Sendable, Hashable, CaseIterable, Codable {
    case session
    case conversation
    case inputAudio = "input_audio"
    case outputAudio = "output_audio"
    case transcription
    case response
    case delta
    case error
    case rateLimits = "rate_limits"
    case mcp
}

/// Which transports an event can occur on.
public enum Transport: String, Sendable, Hashable, Codable {
    /// Any transport (WebSocket, WebRTC data channel, SIP sideband).
    case any
    /// WebRTC / SIP only: never seen on a plain WebSocket session.
    case webRTC = "webrtc"
}

/// The kind of identifier an id field carries.
public enum IDKind: String, Sendable, Hashable, CaseIterable, Codable {
    case response, item, previousItem = "previous_item", call, session, conversation
}

/// An identifier an event carries, and where.
public struct IDField: Sendable, Hashable {
    public let kind: IDKind
    /// Dot-separated path from the event object (`"response_id"`, `"response.id"`).
    public let path: String

    public init(_ kind: IDKind, _ path: String) {
        self.kind = kind
        self.path = path
    }
}

/// How the pieces of a delta stream are encoded.
public enum StreamPayload: String, Sendable, Hashable, Codable {
    /// UTF-8 text (text, transcripts).
    case text
    /// JSON text built up piece by piece (function and MCP call arguments).
    case json
    /// Base64 audio in the session's output audio format.
    case audio
}

/// A delta stream: the events whose `deltaField` values concatenate to a final value.
public struct StreamSpec: Sendable, Hashable {
    /// Fields whose values identify one stream (equal values, same stream).
    public let keys: [String]
    /// The field of each delta event that carries a piece.
    public let deltaField: String
    public let payload: StreamPayload
    /// The event that closes the stream.
    public let doneEvent: String
    /// The field of `doneEvent` that holds the accumulated value (`nil`: no final value, as for audio).
    public let finalField: String?
    /// The `part.type` of the content part the stream must belong to (`nil`: no content part, as
    /// for function-call arguments and input transcription).
    public let partType: String?

    public init(
        keys: [String], deltaField: String, payload: StreamPayload, doneEvent: String, finalField: String?,
        partType: String? = nil
    ) {
        self.keys = keys
        self.deltaField = deltaField
        self.payload = payload
        self.doneEvent = doneEvent
        self.finalField = finalField
        self.partType = partType
    }
}

/// A field shown in one-line summaries.
public enum SummaryField: Sendable, Hashable {
    /// Free text shown quoted (deltas, transcripts, messages).
    case text(String)
    /// Base64 audio, shown as its size and duration.
    case audio(String)
    /// A short value shown as `label=value`, labelled with the path's last component.
    case value(String)

    /// The dot-separated path of the field.
    public var path: String {
        switch self {
        case .text(let p), .audio(let p), .value(let p): p
        }
    }
}

/// Everything the catalog knows about one event type.
///
/// An immutable class: rules look specs up for every event, and sharing one instance avoids
/// copying a dozen arrays each time. Equality and hashing are by `name`.
public final class EventSpec: Sendable, Hashable {
    /// The `type` string, for example `"response.text.delta"`.
    public let name: String
    public let direction: Direction
    public let dialects: DialectSet
    public let family: EventFamily
    /// Fields besides `type` (`event_id` is listed explicitly where it applies).
    public let fields: [FieldSpec]
    /// Identifiers the event carries.
    public let ids: [IDField]
    /// Fields a one-line view shows, in order.
    public let summary: [SummaryField]
    /// For client events: the server events that answer it on success (empty: no answer, as for append).
    public let answers: [String]
    /// For delta events: the stream they belong to.
    public let stream: StreamSpec?
    public let transport: Transport
    /// A short note on behaviour real traffic shows (quoted by `rtscope events`).
    public let note: String?

    public init(
        name: String, direction: Direction, dialects: DialectSet, family: EventFamily, fields: [FieldSpec],
        ids: [IDField] = [], summary: [SummaryField] = [], answers: [String] = [], stream: StreamSpec? = nil,
        transport: Transport = .any, note: String? = nil
    ) {
        self.name = name
        self.direction = direction
        self.dialects = dialects
        self.family = family
        self.fields = fields
        self.ids = ids
        self.summary = summary
        self.answers = answers
        self.stream = stream
        self.transport = transport
        self.note = note
        self.requiredFields = fields.filter(\.required)
        self.optionalFields = fields.filter { !$0.required }
    }

    /// Required fields, `event_id` included where the protocol requires it.
    public let requiredFields: [FieldSpec]

    /// Optional fields.
    public let optionalFields: [FieldSpec]

    public static func == (a: EventSpec, b: EventSpec) -> Bool { a.name == b.name }

    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    /// A copy renamed for another dialect (used to derive GA events from their beta originals).
    public func renamed(
        _ newName: String, dialects: DialectSet, stream: StreamSpec?, extraFields: [FieldSpec] = [],
        note newNote: String? = nil
    ) -> EventSpec {
        EventSpec(
            name: newName, direction: direction, dialects: dialects, family: family, fields: fields + extraFields,
            ids: ids, summary: summary, answers: answers, stream: stream, transport: transport, note: newNote ?? note)
    }
}
