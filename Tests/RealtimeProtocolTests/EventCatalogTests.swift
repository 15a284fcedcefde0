import Testing

@testable import RealtimeProtocol

/// The seed event list of the brief, with each event's direction and required fields (protocol reference §2.3–§2.4).
///
/// Written out here by hand so the catalog is checked against an independent copy.
private let seedEvents: [(String, Direction, [String])] = [
    ("conversation.item.create", .clientToServer, ["item"]),
    ("conversation.item.delete", .clientToServer, ["item_id"]),
    ("conversation.item.truncate", .clientToServer, ["item_id", "content_index", "audio_end_ms"]),
    ("input_audio_buffer.append", .clientToServer, ["audio"]),
    ("input_audio_buffer.clear", .clientToServer, []),
    ("input_audio_buffer.commit", .clientToServer, []),
    ("response.cancel", .clientToServer, []),
    ("response.create", .clientToServer, []),
    ("session.update", .clientToServer, ["session"]),
    ("conversation.created", .serverToClient, ["event_id", "conversation"]),
    ("conversation.item.created", .serverToClient, ["event_id", "item"]),
    ("conversation.item.deleted", .serverToClient, ["event_id", "item_id"]),
    ("conversation.item.truncated", .serverToClient, ["event_id", "item_id", "content_index", "audio_end_ms"]),
    (
        "conversation.item.input_audio_transcription.completed", .serverToClient,
        ["event_id", "item_id", "content_index", "transcript"]
    ),
    (
        "conversation.item.input_audio_transcription.failed", .serverToClient,
        ["event_id", "item_id", "content_index", "error"]
    ),
    ("error", .serverToClient, ["event_id", "error", "error.type", "error.message"]),
    ("input_audio_buffer.cleared", .serverToClient, ["event_id"]),
    ("input_audio_buffer.committed", .serverToClient, ["event_id", "item_id"]),
    ("input_audio_buffer.speech_started", .serverToClient, ["event_id", "audio_start_ms", "item_id"]),
    ("input_audio_buffer.speech_stopped", .serverToClient, ["event_id", "audio_end_ms", "item_id"]),
    ("rate_limits.updated", .serverToClient, ["event_id", "rate_limits"]),
    (
        "response.audio.delta", .serverToClient,
        ["event_id", "response_id", "item_id", "output_index", "content_index", "delta"]
    ),
    ("response.audio.done", .serverToClient, ["event_id", "response_id", "item_id", "output_index", "content_index"]),
    (
        "response.audio_transcript.delta", .serverToClient,
        ["event_id", "response_id", "item_id", "output_index", "content_index", "delta"]
    ),
    (
        "response.audio_transcript.done", .serverToClient,
        ["event_id", "response_id", "item_id", "output_index", "content_index", "transcript"]
    ),
    (
        "response.content_part.added", .serverToClient,
        ["event_id", "response_id", "item_id", "output_index", "content_index", "part"]
    ),
    (
        "response.content_part.done", .serverToClient,
        ["event_id", "response_id", "item_id", "output_index", "content_index", "part"]
    ),
    ("response.created", .serverToClient, ["event_id", "response"]),
    ("response.done", .serverToClient, ["event_id", "response"]),
    (
        "response.function_call_arguments.delta", .serverToClient,
        ["event_id", "response_id", "item_id", "output_index", "call_id", "delta"]
    ),
    (
        "response.function_call_arguments.done", .serverToClient,
        ["event_id", "response_id", "item_id", "output_index", "call_id", "arguments"]
    ),
    ("response.output_item.added", .serverToClient, ["event_id", "response_id", "output_index", "item"]),
    ("response.output_item.done", .serverToClient, ["event_id", "response_id", "output_index", "item"]),
    (
        "response.text.delta", .serverToClient,
        ["event_id", "response_id", "item_id", "output_index", "content_index", "delta"]
    ),
    (
        "response.text.done", .serverToClient,
        ["event_id", "response_id", "item_id", "output_index", "content_index", "text"]
    ),
    ("session.created", .serverToClient, ["event_id", "session"]),
    ("session.updated", .serverToClient, ["event_id", "session"]),
]

private let laterBetaEvents = [
    "conversation.item.retrieve", "conversation.item.retrieved", "conversation.item.input_audio_transcription.delta",
    "conversation.item.input_audio_transcription.segment", "transcription_session.update",
    "transcription_session.updated", "transcription_session.created", "output_audio_buffer.clear",
    "output_audio_buffer.started", "output_audio_buffer.stopped", "output_audio_buffer.cleared",
    "input_audio_buffer.timeout_triggered",
]

private let gaOnlyEvents = [
    "response.output_text.delta", "response.output_text.done", "response.output_audio.delta",
    "response.output_audio.done",
    "response.output_audio_transcript.delta", "response.output_audio_transcript.done", "conversation.item.added",
    "conversation.item.done", "response.mcp_call_arguments.delta", "response.mcp_call_arguments.done",
    "response.mcp_call.in_progress", "response.mcp_call.completed", "response.mcp_call.failed",
    "mcp_list_tools.in_progress", "mcp_list_tools.completed", "mcp_list_tools.failed",
    "input_audio_buffer.dtmf_event_received",
]

struct EventCatalogTests {
    let catalog = EventCatalog.standard

    @Test(arguments: seedEvents.map(\.0))
    func seedEventIsPresentWithDirectionAndRequiredFields(_ name: String) throws {
        let (_, direction, required) = try #require(seedEvents.first { $0.0 == name })
        let spec = try #require(catalog.spec(for: name))
        #expect(spec.direction == direction)
        #expect(spec.dialects.includes(.beta))
        let catalogRequired = Set(spec.requiredFields.map(\.path))
        for field in required { #expect(catalogRequired.contains(field), "\(name) should require \(field)") }
        if direction == .clientToServer {
            #expect(spec.fields.contains { $0.path == "event_id" && !$0.required })
        }
    }

    @Test(arguments: laterBetaEvents)
    func laterBetaEventIsPresent(_ name: String) {
        #expect(catalog.spec(for: name)?.dialects.includes(.beta) == true, "\(name)")
    }

    @Test(arguments: gaOnlyEvents)
    func gaEventIsPresentAndGAOnly(_ name: String) {
        #expect(catalog.spec(for: name)?.dialects == .ga, "\(name)")
    }

    @Test func eventNamesAreUnique() {
        #expect(Set(catalog.events.map(\.name)).count == catalog.events.count)
    }

    @Test func renamesMapBothWays() {
        #expect(catalog.counterpart(of: "response.text.delta") == "response.output_text.delta")
        #expect(catalog.counterpart(of: "response.output_audio_transcript.done") == "response.audio_transcript.done")
        #expect(catalog.counterpart(of: "conversation.item.created") == "conversation.item.added")
        #expect(catalog.counterpart(of: "conversation.item.added") == "conversation.item.created")
        #expect(catalog.counterpart(of: "session.update") == nil)
        #expect(catalog.counterpart(of: "response.done") == nil)
    }

    @Test func gaRenamesKeepFieldsAndAddObfuscationToDeltas() throws {
        let beta = try #require(catalog.spec(for: "response.audio_transcript.delta"))
        let ga = try #require(catalog.spec(for: "response.output_audio_transcript.delta"))
        #expect(ga.requiredFields == beta.requiredFields)
        #expect(ga.fields.contains { $0.path == "obfuscation" && !$0.required })
        #expect(ga.stream?.doneEvent == "response.output_audio_transcript.done")
    }

    @Test func everyStreamClosesWithAKnownEventCarryingTheFinalField() throws {
        for spec in catalog.events {
            guard let stream = spec.stream else { continue }
            let done = try #require(catalog.spec(for: stream.doneEvent), "\(spec.name) → \(stream.doneEvent)")
            #expect(done.dialects.isSuperset(of: spec.dialects) || !done.dialects.isDisjoint(with: spec.dialects))
            if let final = stream.finalField {
                #expect(done.fields.contains { $0.path == final }, "\(done.name).\(final)")
            }
            for key in stream.keys { #expect(spec.fields.contains { $0.path == key }, "\(spec.name) key \(key)") }
        }
    }

    @Test func everyAnswerIsAServerEvent() {
        for spec in catalog.events where spec.direction == .clientToServer {
            for answer in spec.answers {
                #expect(catalog.spec(for: answer)?.direction == .serverToClient, "\(spec.name) → \(answer)")
            }
        }
    }

    @Test func everyServerEventButDTMFRequiresEventID() {
        for spec in catalog.events where spec.direction == .serverToClient {
            let requires = spec.requiredFields.contains { $0.path == "event_id" }
            #expect(requires == (spec.name != "input_audio_buffer.dtmf_event_received"), "\(spec.name)")
        }
    }

    @Test func idFieldsAreDeclaredFields() {
        for spec in catalog.events {
            for id in spec.ids { #expect(spec.fields.contains { $0.path == id.path }, "\(spec.name): \(id.path)") }
        }
    }
}

struct SafeTextTests {
    @Test func escapesTerminalControlSequences() {
        let hostile = "hi\u{1B}[2J\u{1B}]0;pwned\u{07}\r\n\u{9B}31m\tok"
        let safe = SafeText.escape(hostile)
        #expect(!safe.unicodeScalars.contains { SafeText.isControl($0) })
        #expect(safe == "hi\\e[2J\\e]0;pwned\\x07\\r\\n\\u{9b}31m\\tok")
    }

    @Test func keepsWideCharactersAndEmoji() {
        #expect(SafeText.escape("日本語 🎧 héllo") == "日本語 🎧 héllo")
    }
}

struct TypeGlobTests {
    @Test(arguments: [
        ("response.*.delta", "response.text.delta", true),
        ("response.*.delta", "response.output_audio_transcript.delta", true),
        ("response.*.delta", "response.done", false),
        ("*", "anything", true),
        ("session.?pdated", "session.updated", true),
        ("error", "error", true),
        ("error", "errors", false),
        ("*.done", "response.function_call_arguments.done", true),
    ])
    func matches(_ pattern: String, _ type: String, _ expected: Bool) {
        #expect(TypeGlob(pattern).matches(type) == expected)
    }
}

struct SafeTextBidiTests {
    @Test func bidiControlsAreShownEscaped() {
        #expect(SafeText.escape("a\u{202E}b\u{2066}c\u{2069}d\u{200F}") == "a\\u{202e}b\\u{2066}c\\u{2069}d\\u{200f}")
        #expect(SafeText.escape("\u{1B}[2J\u{9B}\u{7F}\u{0}") == "\\e[2J\\u{9b}\\x7f\\x00")
        #expect(SafeText.isSafe(SafeText.escape("\u{202A}\u{202B}\u{202C}\u{202D}\u{2067}\u{2068}\u{061C}\u{200E}")))
        // Ordinary right-to-left text and wide characters are not touched.
        #expect(SafeText.escape("مرحبا 日本 😀") == "مرحبا 日本 😀")
    }
}
