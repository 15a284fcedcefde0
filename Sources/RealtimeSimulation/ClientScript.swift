import Foundation
public import RealtimeProtocol
import RealtimeRecording

/// A scripted Realtime client, as a pure state machine: what `rtscope demo` drives through the
/// recorder, and what the tests run against the simulated server.
///
/// `start()` returns the first frames to send; `received(_:)` takes every server frame and returns
/// what to send next. The script waits where a real client would (for `session.updated`, for
/// `response.done`, for the first audio of an answer before barging in), and fills in what only the
/// server knows (the function call's `call_id`, the interrupted item's id).
public final class ClientScript {
    public enum Step: Sendable {
        /// Send one client event (`type` is given in beta spelling; GA renames are applied).
        case send(JSON)
        /// Append PCM16 audio in 100 ms `input_audio_buffer.append` events.
        case appendAudio([UInt8])
        /// Wait for a server event of this (beta-spelled) type.
        case waitFor(String)
        /// Answer the last function call with this output.
        case answerLastCall(output: String)
        /// Truncate the last assistant item at this many milliseconds of heard audio.
        case truncateLastAnswer(ms: Int)
        /// Close the connection normally.
        case close
    }

    public let dialect: Dialect
    private var steps: [Step]
    private var position = 0
    private var eventCount = 0
    private var lastCallID: String?
    private var lastAssistantItem: String?
    /// Whether the script has run to its end (the transport then closes with 1000).
    public private(set) var finished = false
    /// Server event types seen, in order (for summaries and tests).
    public private(set) var seen: [String] = []

    public init(dialect: Dialect, steps: [Step]) {
        self.dialect = dialect
        self.steps = steps
    }

    /// The server event the script is waiting for now (in the session's dialect), or nil when it is
    /// not waiting (not started, or finished).
    public var waitingFor: String? {
        guard !finished, position < steps.count, case .waitFor(let wanted) = steps[position] else { return nil }
        return name(wanted)
    }

    /// How many of the script's waits are behind it, and how many it has in all (for progress lines).
    public var progress: (done: Int, total: Int) {
        let waits = steps.indices.filter { if case .waitFor = steps[$0] { true } else { false } }
        return (waits.filter { $0 < position }.count, waits.count)
    }

    /// The frames to send when the socket opens.
    public func start() -> [String] { advance() }

    /// Takes one server frame; returns the frames to send now.
    public func received(_ text: String) -> [String] {
        guard let event = try? JSON(parsing: text), let type = event["type"]?.string else { return [] }
        seen.append(type)
        if type == "response.function_call_arguments.done" { lastCallID = event["call_id"]?.string }
        if type == "response.output_item.added", event["item"]?["type"]?.string == "message" {
            lastAssistantItem = event["item"]?["id"]?.string
        }
        guard position < steps.count, case .waitFor(let wanted) = steps[position], name(wanted) == type else {
            return []
        }
        position += 1
        return advance()
    }

    private func name(_ beta: String) -> String { dialect == .ga ? EventCatalog.gaName(for: beta) : beta }

    private func advance() -> [String] {
        var out: [String] = []
        while position < steps.count {
            switch steps[position] {
            case .waitFor: return out
            case .send(let event): out.append(stamp(event))
            case .appendAudio(let pcm):
                for start in stride(from: 0, to: pcm.count, by: 4800) {
                    let chunk = Data(pcm[start..<min(start + 4800, pcm.count)]).base64EncodedString()
                    out.append(stamp(.object([("type", "input_audio_buffer.append"), ("audio", .string(chunk))])))
                }
            case .answerLastCall(let output):
                let item: JSON = .object([
                    ("type", "function_call_output"), ("call_id", .string(lastCallID ?? "")),
                    ("output", .string(output)),
                ])
                out.append(stamp(.object([("type", "conversation.item.create"), ("item", item)])))
            case .truncateLastAnswer(let ms):
                out.append(
                    stamp(
                        .object([
                            ("type", "conversation.item.truncate"), ("item_id", .string(lastAssistantItem ?? "")),
                            ("content_index", 0), ("audio_end_ms", .int(ms)),
                        ])))
            case .close:
                finished = true
            }
            position += 1
        }
        finished = true
        return out
    }

    /// Adds a client `event_id` after `type` (as the reference clients do).
    private func stamp(_ event: JSON) -> String {
        eventCount += 1
        guard case .object(var pairs) = event else { return event.encoded }
        pairs.insert(("event_id", .string("evt_client_\(eventCount)")), at: min(1, pairs.count))
        return JSON.object(pairs).encoded
    }
}

extension ClientScript {
    /// The demo session: a text exchange, a function call, an audio turn with server VAD, and a
    /// barge-in that interrupts an answer and truncates it.
    public static func demo(dialect: Dialect) -> ClientScript {
        let tools: JSON = [
            .object([
                ("type", "function"), ("name", "get_weather"),
                ("description", "Current weather for a city."),
                (
                    "parameters",
                    .object([
                        ("type", "object"), ("properties", .object([("city", .object([("type", "string")]))])),
                        ("required", ["city"]),
                    ])
                ),
            ])
        ]
        var session: JSON = .object([("instructions", "You are a helpful assistant."), ("tools", tools)])
        let textOnly: JSON
        if dialect == .ga {
            session = JSON.object([("type", "realtime")]).merging(session, deep: false)
            textOnly = .object([("output_modalities", ["text"])])
        } else {
            textOnly = .object([("modalities", ["text"])])
        }
        func say(_ text: String) -> Step {
            .send(
                .object([
                    ("type", "conversation.item.create"),
                    (
                        "item",
                        .object([
                            ("type", "message"), ("role", "user"),
                            ("content", [.object([("type", "input_text"), ("text", .string(text))])]),
                        ])
                    ),
                ]))
        }
        let respondInText: Step = .send(.object([("type", "response.create"), ("response", textOnly)]))
        let speech = Tone.pcm(ms: 800, hz: 300, level: 0.3) + Tone.silence(ms: 700)
        return ClientScript(
            dialect: dialect,
            steps: [
                .send(.object([("type", "session.update"), ("session", session)])),
                .waitFor("session.updated"),
                say("Hello, rtscope! What can you do?"), respondInText, .waitFor("response.done"),
                say("What is the weather in Paris? Use get_weather."), respondInText, .waitFor("response.done"),
                .answerLastCall(output: #"{"city":"Paris","sky":"sunny","celsius":21}"#), respondInText,
                .waitFor("response.done"),
                .appendAudio(speech), .waitFor("response.done"),
                .appendAudio(Tone.pcm(ms: 600, hz: 250, level: 0.3) + Tone.silence(ms: 700)),
                .waitFor("response.audio.delta"),
                .appendAudio(Tone.pcm(ms: 500, hz: 350, level: 0.3)), .waitFor("response.done"),
                .truncateLastAnswer(ms: 100), .waitFor("conversation.item.truncated"),
                .appendAudio(Tone.silence(ms: 700)), .waitFor("response.done"),
                .close,
            ])
    }
}
