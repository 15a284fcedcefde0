public import RealtimeRecording

/// The event names audio export and the level strip react to besides audio deltas.
///
/// Canonical names, beta spelling (a test checks the catalog has them). Audio deltas are found through the catalog:
/// a stream whose payload is `.audio`.
public enum AudioEvents {
    public static let sessionUpdate = "session.update"
    public static let sessionCreated = "session.created"
    public static let sessionUpdated = "session.updated"
    public static let append = "input_audio_buffer.append"
    public static let inputCleared = "input_audio_buffer.cleared"
    public static let committed = "input_audio_buffer.committed"
    public static let truncate = "conversation.item.truncate"
    public static let truncated = "conversation.item.truncated"
    public static let playbackStarted = "output_audio_buffer.started"
    public static let playbackStopped = "output_audio_buffer.stopped"
    public static let playbackCleared = "output_audio_buffer.cleared"
    /// The events `AudioCuts.consume` reads.
    public static let cuts = [truncate, truncated, playbackStarted, playbackStopped, playbackCleared]
    public static let all = [sessionUpdate, sessionCreated, sessionUpdated, append, inputCleared, committed] + cuts
}

/// Where the user stopped hearing each assistant item: the "as heard" cuts `rtscope audio` makes and the timeline's
/// level strip shows.
///
/// An item's cut is the client's last `conversation.item.truncate` for it, else the server's last
/// `conversation.item.truncated`, else (WebRTC and SIP, where the server truncates) the time from
/// `output_audio_buffer.started` to `output_audio_buffer.cleared`, applied to every item of the playing response that
/// had output audio by then (`firstOutput`). Milliseconds are whole, as `audio_end_ms` is: a cleared buffer's elapsed
/// time is rounded down. Memory: one entry per cut item and per response with audio.
public struct AudioCuts: Sendable {
    /// Heard milliseconds of an item, and the line of the event that cut it.
    public struct Cut: Sendable, Equatable {
        public let ms: Int
        public let line: Int
    }

    private var client: [String: Cut] = [:]
    private var server: [String: Cut] = [:]
    private var responseItems: [String: [String]] = [:]
    /// The response whose audio the client plays (`output_audio_buffer.started`) and since when.
    private var playing: (response: String, sinceUs: Int64)?

    public init() {}

    /// Notes that `item` has output audio in `response`; call once per item, at its first audio.
    public mutating func firstOutput(item: String, response: String) {
        responseItems[response, default: []].append(item)
    }

    /// Reads one of `AudioEvents.cuts` (`type` is the canonical name; other types are ignored).
    public mutating func consume(_ type: String, _ event: JSONValue, line: Int, tUs: Int64) {
        switch type {
        case AudioEvents.truncate, AudioEvents.truncated:
            guard let item = event["item_id"]?.string, let ms = event["audio_end_ms"]?.int else { return }
            if type == AudioEvents.truncate {
                client[item] = Cut(ms: ms, line: line)
            } else {
                server[item] = Cut(ms: ms, line: line)
            }
        case AudioEvents.playbackStarted:
            if let response = event["response_id"]?.string { playing = (response, tUs) }
        case AudioEvents.playbackStopped:
            playing = nil
        case AudioEvents.playbackCleared:
            guard let playing else { return }
            let ms = Int(max(0, min(Double(tUs) - Double(playing.sinceUs), 1e12)) / 1000)
            for item in responseItems[playing.response] ?? [] { server[item] = Cut(ms: ms, line: line) }
            self.playing = nil
        default: break
        }
    }

    /// Where the user stopped hearing `item`: the client's cut, else the server's; nil when it was heard in full.
    public func cut(of item: String) -> Cut? { client[item] ?? server[item] }
}
