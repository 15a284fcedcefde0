import Foundation
import RealtimeProtocol

/// One answer the simulated model gives instead of its echo, cut into the deltas it is sent as.
///
/// `SimulationOptions.replies` holds them in order: the n-th response of the session uses the n-th
/// reply, later ones fall back to the echo. A message is text or audio as the session or the
/// `response.create` asks (the pieces are then the transcript's deltas); `audioMs` sets the audio's
/// length (nil: about 250 ms per piece). The concatenated pieces are the done values, so a scripted
/// session stays internally consistent.
public enum ScriptedReply: Sendable, Equatable {
    case message([String], audioMs: Int? = nil)
    case functionCall(name: String, arguments: [String])
}

/// How a planned output is cut into deltas (pieces as given) and how long its audio is.
struct ReplyShape {
    var pieces: [String]
    var audioMs: Int?
}

/// The scripted model's progress in a session.
struct ScriptedModelState {
    /// Replies used so far (the index of the next one).
    var used = 0
    /// Responses finished and tokens they used, for `rate_limits.updated`.
    var responses = 0
    var tokens = 0
}

/// The limits `rate_limits.updated` reports (protocol reference §4.2): remaining requests and tokens
/// count down from these with every finished response.
public struct RateLimits: Sendable, Equatable {
    public var requests: Int
    public var tokens: Int

    public init(requests: Int = 5000, tokens: Int = 40000) {
        self.requests = requests
        self.tokens = tokens
    }
}

extension SimulatedSession {
    /// The next scripted reply as a planned output and its shape, or nil when none is left.
    func scriptedReply(audio: Bool) -> (PlannedOutput, ReplyShape?)? {
        guard scripted.used < options.replies.count else { return nil }
        defer { scripted.used += 1 }
        switch options.replies[scripted.used] {
        case .message(let pieces, let audioMs):
            return (
                .message(text: pieces.joined(), audio: audio),
                ReplyShape(pieces: pieces, audioMs: audio ? audioMs : nil)
            )
        case .functionCall(let name, let arguments):
            return (.functionCall(name: name, arguments: arguments.joined()), ReplyShape(pieces: arguments))
        }
    }

    /// `rate_limits.updated` after the `response.done` event `done`, when the options ask for it.
    ///
    /// Requests count one per finished response, tokens the responses' `usage.total_tokens`; the
    /// reset times are what a one-minute window gives for what was used (rounded to milliseconds).
    func rateLimitsUpdate(after done: JSON) -> JSON? {
        guard let limits = options.rateLimits else { return nil }
        scripted.responses += 1
        scripted.tokens += Int(done["response"]?["usage"]?["total_tokens"]?.double ?? 0)
        func reset(_ used: Int, of limit: Int) -> JSON {
            .double((Double(used) * 60_000 / Double(max(1, limit))).rounded() / 1000)
        }
        let entries: [JSON] = [
            .object([
                ("name", "requests"), ("limit", .int(limits.requests)),
                ("remaining", .int(max(0, limits.requests - scripted.responses))),
                ("reset_seconds", reset(scripted.responses, of: limits.requests)),
            ]),
            .object([
                ("name", "tokens"), ("limit", .int(limits.tokens)),
                ("remaining", .int(max(0, limits.tokens - scripted.tokens))),
                ("reset_seconds", reset(scripted.tokens, of: limits.tokens)),
            ]),
        ]
        return event("rate_limits.updated", [("rate_limits", .array(entries))])
    }

    /// `event` with an `obfuscation` field when it is a GA text or transcript delta.
    ///
    /// The service pads each delta's event to hide the text's length with random characters; here they
    /// are a fixed alphabet's first `16 - delta length` letters (at least 2), so runs are reproducible.
    func obfuscated(_ event: JSON) -> JSON {
        guard dialect == .ga, let type = event["type"]?.string,
            type == "response.output_text.delta" || type == "response.output_audio_transcript.delta",
            let delta = event["delta"]?.string
        else { return event }
        var padded = event
        padded.set("obfuscation", .string(String("Xq3kP0zR7mWb2YtN".prefix(max(2, 16 - delta.utf8.count)))))
        return padded
    }
}
