import Foundation
public import RealtimeProtocol
import RealtimeRecording

/// What the transport should do next for a simulated session.
public enum ServerAction: Sendable, Equatable {
    /// Send one text frame.
    case send(String)
    /// Close the WebSocket with `code` and `reason`.
    case close(code: Int, reason: String)
}

/// How a simulated server behaves.
public struct SimulationOptions: Sendable {
    public var dialect: Dialect
    public var model: String
    /// Pause between deltas in milliseconds (0: as fast as possible).
    ///
    /// Other events go out at once.
    public var deltaIntervalMs: Int
    public var faults: Set<Fault>
    /// Distinguishes ids between sessions (for example a connection id).
    public var idTag: String
    /// Injected ids (nil: counted ids tagged with `idTag`); see `IDSource`.
    public var ids: IDSource?
    /// The session's `expires_at`, seconds since 1970 (nil: half an hour from now).
    public var expiresAt: Int?
    /// What the model answers, in order, before it falls back to its echo (`ScriptedReply`).
    public var replies: [ScriptedReply] = []
    /// Sends `rate_limits.updated` after each `response.done` of a response streamed to its end (not after a
    /// cancel) when set.
    public var rateLimits: RateLimits?
    /// How long the model takes from starting a response (`response.created`) to its first delta, in
    /// milliseconds on the session's clock (paced sessions only).
    public var firstDeltaMs = 0
    /// Pads GA text and transcript deltas with an `obfuscation` field, as the GA service does.
    public var obfuscation = false

    public init(
        dialect: Dialect = .beta, model: String = "gpt-realtime", deltaIntervalMs: Int = 20, faults: Set<Fault> = [],
        idTag: String = ""
    ) {
        self.dialect = dialect
        self.model = model
        self.deltaIntervalMs = deltaIntervalMs
        self.faults = faults
        self.idTag = idTag
    }
}

/// A simulated Realtime server for one connection, as a pure state machine.
///
/// Sans-I/O: the transport calls `open`, then `receive` for every client frame and `due` whenever
/// `nextDue` has passed; each returns the frames to send. Time is milliseconds on any monotonic
/// clock the caller chooses, so tests drive it with virtual time. A clean session's output
/// validates with zero findings (tested); `Fault`s break that on purpose.
///
/// The "model" is an echo: it answers text with "You said: …", audio with its length, a
/// `function_call_output` with the output, and calls a configured tool whose name the user's text
/// mentions. Answers are audio (PCM16 24 kHz tone + transcript) when the output modalities
/// include audio, else text.
public final class SimulatedSession {
    public let options: SimulationOptions
    var config: SessionConfig
    var ids: IDSource
    var faults: FaultInjector
    var conversation: [ConversationItem] = []
    var active: ResponseRun?
    var nextDeltaAt: Int64 = 0
    var vad = VoiceActivityDetector()
    var bufferedBytes = 0
    var speechItemID: String?
    var closed = false
    /// Scripted replies given so far, and the usage that rate limits count down from.
    var scripted = ScriptedModelState()

    struct ConversationItem {
        var id: String
        var type: String
        var role: String?
        var text: String
        var callID: String?
        var audioMs: Int
        var object: JSON
    }

    public init(options: SimulationOptions) {
        self.options = options
        var ids = options.ids ?? IDSource(tag: options.idTag)
        config = SessionConfig(
            dialect: options.dialect, id: ids.next("sess"), model: options.model,
            expiresAt: options.expiresAt ?? Int(Date().timeIntervalSince1970) + 1800)
        self.ids = ids
        faults = FaultInjector(options.faults)
    }

    var dialect: Dialect { options.dialect }

    /// The events sent when a client connects.
    public func open(now: Int64) -> [ServerAction] {
        if options.faults.contains(.noSessionCreated) { return [] }
        var out = [event("session.created", [("session", config.object)])]
        if dialect == .beta {
            out.append(
                event(
                    "conversation.created",
                    [
                        (
                            "conversation",
                            .object([("id", .string(ids.next("conv"))), ("object", "realtime.conversation")])
                        )
                    ]))
        }
        return emit(out)
    }

    /// When `due` next has something to send (nil: nothing scheduled).
    public var nextDue: Int64? { active == nil || closed ? nil : nextDeltaAt }

    /// Sends what is due at `now` (the paced part of an active response).
    public func due(now: Int64) -> [ServerAction] {
        var out: [JSON] = []
        pump(now: now, into: &out)
        return emit(out)
    }

    /// Handles one client text frame.
    public func receive(text: [UInt8], now: Int64) -> [ServerAction] {
        guard !closed else { return [] }
        var out: [JSON] = []
        // Keys sorted (a repeated key reduced to its last member), so what the session echoes does not depend on
        // the order the client wrote them in.
        guard let parsed = try? JSON(parsing: text), case .object = parsed else {
            out.append(error("invalid_event", "The event is not a JSON object.", param: nil, eventID: nil))
            return emit(out)
        }
        let event = parsed.keysSorted
        let eventID = event["event_id"]?.string
        guard let type = event["type"]?.string else {
            out.append(error("invalid_event", "The 'type' field is missing.", param: "type", eventID: eventID))
            return emit(out)
        }
        guard let spec = EventCatalog.standard.spec(for: type), spec.direction == .clientToServer,
            spec.dialects.includes(dialect)
        else {
            out.append(
                error(
                    "invalid_event",
                    "Invalid value: '\(type)'. It is not a client event of this session's API version.", param: "type",
                    eventID: eventID))
            return emit(out)
        }
        for field in spec.requiredFields where !field.path.contains(".") && event[field.path] == nil {
            out.append(
                error(
                    "missing_required_parameter", "Missing required parameter: '\(field.path)'.", param: field.path,
                    eventID: eventID))
            return emit(out)
        }
        handle(type, event, eventID: eventID, now: now, into: &out)
        pump(now: now, into: &out)
        return emit(out)
    }

    /// Handles a binary frame (the protocol has none: an error, as the service answers).
    public func receiveBinary(now: Int64) -> [ServerAction] {
        emit([
            error("invalid_event", "Binary frames are not supported; send JSON text frames.", param: nil, eventID: nil)
        ])
    }

    // MARK: - Building events

    func event(_ beta: String, _ fields: [(String, JSON)]) -> JSON {
        let name = dialect == .ga ? EventCatalog.gaName(for: beta) : beta
        return .object([("type", .string(name)), ("event_id", .string(ids.next("event")))] + fields)
    }

    func error(_ code: String, _ message: String, param: String?, eventID: String?) -> JSON {
        event(
            "error",
            [
                (
                    "error",
                    .object([
                        ("type", "invalid_request_error"), ("code", .string(code)), ("message", .string(message)),
                        ("param", param.map(JSON.string) ?? nil), ("event_id", eventID.map(JSON.string) ?? nil),
                    ])
                )
            ])
    }

    private func emit(_ events: [JSON]) -> [ServerAction] {
        var out: [ServerAction] = []
        for event in events where !closed {
            let (sent, close) = faults.apply(options.obfuscation ? obfuscated(event) : event)
            out += sent.map { .send($0.encoded) }
            if close {
                closed = true
                out.append(.close(code: 1011, reason: "simulated disconnect"))
            }
        }
        return out
    }

    /// Sends the active response's events up to the next delta that is not yet due.
    func pump(now: Int64, into out: inout [JSON]) {
        while let run = active {
            if run.nextIsDelta, options.deltaIntervalMs > 0 {
                if now < nextDeltaAt { return }
                nextDeltaAt = now + Int64(options.deltaIntervalMs)
            }
            guard let next = run.next(&ids) else {
                active = nil
                return
            }
            out.append(next)
            if run.finished {
                active = nil
                if let limits = rateLimitsUpdate(after: next) { out.append(limits) }
            }
        }
    }
}
