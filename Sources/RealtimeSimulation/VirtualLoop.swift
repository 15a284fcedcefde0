public import RealtimeProtocol
import RealtimeRecording

/// One frame of a session run on virtual time: when the recorder would see it, and its text.
public struct TimedFrame: Sendable, Equatable {
    public let direction: Direction
    /// Microseconds since the connection opened.
    public let tUs: Int64
    public let text: String
}

/// The delays of a virtual session: how long each side takes, in microseconds.
///
/// Deterministic by construction (no clock is read), so a run gives the same frames every time.
public struct VirtualTiming: Sendable {
    /// From the connection opening to the server's first event.
    public var openUs: Int64 = 85_000
    /// From a client event to the first server event that answers it.
    public var serverLatencyUs: Int64 = 38_000
    /// Between two server events sent together.
    public var serverGapUs: Int64 = 1_000
    /// From a server event to the client's reaction to it.
    public var clientReactUs: Int64 = 6_000
    /// Between two client events sent together.
    public var clientGapUs: Int64 = 3_000
    /// How long the client takes to run a tool: a `function_call_output` item goes out this much later.
    public var toolRunUs: Int64 = 400_000

    public init() {}
}

/// Runs a `ClientScript` against a server session on virtual time and returns every frame, stamped.
///
/// Sans-I/O: the server's clock is the virtual one (milliseconds); a client event reaches it when sent,
/// and everything it sends (answers, and paced deltas when `nextDue` says) is delivered
/// `serverLatencyUs` later. Frames come out in time order, and the script sees a server event when it
/// is delivered. The client streams
/// `input_audio_buffer.append` events in real time (each waits for the audio before it to have been
/// "spoken", as a microphone does) on a lane of their own, so a control event the script sends after
/// an earlier batch of audio (a truncate during a barge-in) is not queued behind that audio; within
/// one batch the script's order is kept. The run ends when the script has finished and the server has
/// nothing left to send, when the server closes, or at `limitUs`.
public enum VirtualLoop {
    /// The frames of a run; see `session` for the close that ended it, if any.
    public static func run(
        _ script: ClientScript, _ session: any ServerSession, timing: VirtualTiming = VirtualTiming(),
        limitUs: Int64 = 600_000_000
    ) -> [TimedFrame] {
        Self.session(script, session, timing: timing, limitUs: limitUs).frames
    }

    /// Runs the session as `run` does and also returns the close the server sent (nil when the run
    /// ended because both sides were done or at `limitUs`).
    public static func session(
        _ script: ClientScript, _ session: any ServerSession, timing: VirtualTiming = VirtualTiming(),
        limitUs: Int64 = 600_000_000
    ) -> (frames: [TimedFrame], close: (code: Int, reason: String)?) {
        var state = State(script: script, timing: timing)
        state.queue(session.open(now: 0), at: timing.openUs)
        state.schedule(script.start(), after: timing.openUs + timing.clientReactUs)
        while !state.closed {
            // The server's paced events are produced at `due` on its clock and delivered `serverLatencyUs` later,
            // like its answers to client events: one delay for everything it sends.
            let due = session.nextDue.map { $0 * 1000 }
            guard let (lane, at) = state.next, at <= due ?? .max else {
                guard let due, due <= limitUs else { break }
                state.queue(session.due(now: due / 1000), at: due + timing.serverLatencyUs)
                continue
            }
            guard at <= limitUs else { break }
            let frame = state.lanes[lane].removeFirst()
            state.frames.append(frame)
            if lane == State.server {
                state.schedule(script.received(frame.text), after: at + timing.clientReactUs)
            } else {
                state.queue(
                    session.receive(text: Array(frame.text.utf8), now: at / 1000), at: at + timing.serverLatencyUs)
            }
        }
        if state.closed { state.frames += state.lanes[State.server] }
        return (state.frames, state.close)
    }

    /// The run's frames and queues.
    ///
    /// Lane 0 holds the client's audio appends, lane 1 its other events, lane 2 the server's events not
    /// yet delivered. Each lane is in time order.
    private struct State {
        static let audio = 0, control = 1, server = 2
        let script: ClientScript
        let timing: VirtualTiming
        var frames: [TimedFrame] = []
        var lanes: [[TimedFrame]] = [[], [], []]
        /// When each client lane may send next.
        var free: [Int64] = [0, 0]
        /// When the server may send its next event.
        var serverFree: Int64 = 0
        var closed = false
        /// The server's close, once it sent one.
        var close: (code: Int, reason: String)?

        init(script: ClientScript, timing: VirtualTiming) {
            self.script = script
            self.timing = timing
        }

        /// The earliest queued frame: its lane and time (ties: the server's first, then audio).
        var next: (Int, Int64)? {
            let heads = [Self.server, Self.audio, Self.control].compactMap { lane in
                lanes[lane].first.map { (lane, $0.tUs) }
            }
            return heads.min { $0.1 < $1.1 }
        }

        /// Queues a batch of client frames the script produced at `after`.
        mutating func schedule(_ texts: [String], after: Int64) {
            var floor = after
            for text in texts {
                let event = try? JSON(parsing: text)
                let audioUs = event.flatMap(Self.appendedAudioUs)
                let lane = audioUs == nil ? Self.control : Self.audio
                let toolUs = Self.isToolOutput(event) ? timing.toolRunUs : 0
                let at = max(floor + toolUs, free[lane])
                lanes[lane].append(TimedFrame(direction: .clientToServer, tUs: at, text: text))
                free[lane] = at + max(audioUs ?? 0, timing.clientGapUs)
                floor = at + timing.clientGapUs
            }
        }

        /// Queues the server's actions for delivery from `at` on, `serverGapUs` apart.
        mutating func queue(_ actions: [ServerAction], at: Int64) {
            for action in actions {
                guard case .send(let text) = action else {
                    if case .close(let code, let reason) = action { close = (code, reason) }
                    closed = true  // what was queued before the close is still delivered
                    return
                }
                let stamp = max(at, serverFree)
                serverFree = stamp + timing.serverGapUs
                lanes[Self.server].append(TimedFrame(direction: .serverToClient, tUs: stamp, text: text))
            }
        }

        /// Microseconds of PCM16 24 kHz audio in an `input_audio_buffer.append` event (nil for others).
        ///
        /// Counts the decoded bytes from the base64 length and its padding, without decoding.
        static func appendedAudioUs(_ event: JSON) -> Int64? {
            guard event["type"]?.string == "input_audio_buffer.append", let base64 = event["audio"]?.string else {
                return nil
            }
            let utf8 = base64.utf8
            let padding = utf8.reversed().prefix(2).prefix { $0 == UInt8(ascii: "=") }.count
            let bytes = utf8.count / 4 * 3 - padding
            return Int64(bytes) * 1_000_000 / 48_000
        }

        /// Whether the event hands a tool's result back: a `conversation.item.create` of a
        /// `function_call_output` item, which the client sends only after running the tool.
        static func isToolOutput(_ event: JSON?) -> Bool {
            event?["type"]?.string == "conversation.item.create"
                && event?["item"]?["type"]?.string == "function_call_output"
        }
    }
}
