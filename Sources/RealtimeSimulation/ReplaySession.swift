import Foundation
import RealtimeRecording

/// The surface a simulated-server transport drives (see `SimulatedSession`).
public protocol ServerSession: AnyObject {
    func open(now: Int64) -> [ServerAction]
    func receive(text: [UInt8], now: Int64) -> [ServerAction]
    func receiveBinary(now: Int64) -> [ServerAction]
    func due(now: Int64) -> [ServerAction]
    var nextDue: Int64? { get }
}

extension SimulatedSession: ServerSession {}

/// One frame of a recording to replay.
public struct ReplayFrame: Sendable {
    public let fromClient: Bool
    /// Microseconds since the recording started.
    public let tUs: Int64
    /// The event type of a text frame (client frames are matched by it).
    public let type: String?
    /// What to send (server text frames), verbatim.
    public let text: String?
    /// For a server close frame: its code and reason.
    public let close: (code: Int, reason: String)?

    public init(fromClient: Bool, tUs: Int64, type: String?, text: String?, close: (code: Int, reason: String)? = nil) {
        self.fromClient = fromClient
        self.tUs = tUs
        self.type = type
        self.text = text
        self.close = close
    }
}

/// Answers a live client with the server frames of a recording.
///
/// Each recorded server frame waits for the client events that preceded it in the recording,
/// matched by type and order: a live event matches the next recorded client event of the same type
/// (recorded client events it skips over are given up on). Once released, frames keep the
/// recording's spacing divided by `speed` (0: as fast as possible), measured from the later of the
/// previous server frame and the client event that released it. Server frames are sent verbatim
/// (event ids and all).
public final class ReplaySession: ServerSession {
    private let frames: [ReplayFrame]
    private let speed: Double
    /// Per server frame: how many recorded client events must have been matched first.
    private let needed: [Int]
    private let clientTypes: [String?]
    private let clientTimes: [Int64]
    private var matched = 0
    private var matchedAt: [Int64] = []  // live time (ms) each recorded client event was matched
    private var next = 0  // index into serverFrames
    private let serverFrames: [ReplayFrame]
    private var lastSentLive: Int64 = 0
    private var lastSentRecorded: Int64 = 0
    private var closed = false

    public init(frames: [ReplayFrame], speed: Double) {
        self.frames = frames
        self.speed = speed
        var count = 0
        var needed: [Int] = []
        var server: [ReplayFrame] = []
        var clientTypes: [String?] = []
        var clientTimes: [Int64] = []
        for frame in frames {
            if frame.fromClient {
                count += 1
                clientTypes.append(frame.type)
                clientTimes.append(frame.tUs)
            } else if frame.text != nil || frame.close != nil {
                needed.append(count)
                server.append(frame)
            }
        }
        self.needed = needed
        self.serverFrames = server
        self.clientTypes = clientTypes
        self.clientTimes = clientTimes
    }

    /// How many recorded server frames are still to be sent.
    public var remaining: Int { serverFrames.count - next }

    public func open(now: Int64) -> [ServerAction] {
        lastSentLive = now
        lastSentRecorded = frames.first?.tUs ?? 0
        return due(now: now)
    }

    public func receive(text: [UInt8], now: Int64) -> [ServerAction] {
        let type = (try? JSON(parsing: text))?["type"]?.string
        if let k = clientTypes[matched...].firstIndex(where: { $0 == type }) {
            while matchedAt.count <= k { matchedAt.append(now) }
            matched = k + 1
        }
        return due(now: now)
    }

    public func receiveBinary(now: Int64) -> [ServerAction] { due(now: now) }

    public var nextDue: Int64? {
        guard !closed, next < serverFrames.count, needed[next] <= matched else { return nil }
        return sendTime(next)
    }

    public func due(now: Int64) -> [ServerAction] {
        var out: [ServerAction] = []
        while let at = nextDue, at <= now {
            let frame = serverFrames[next]
            next += 1
            lastSentLive = max(at, lastSentLive)
            lastSentRecorded = frame.tUs
            if let close = frame.close {
                closed = true
                out.append(.close(code: close.code, reason: close.reason))
                break
            }
            if let text = frame.text { out.append(.send(text)) }
        }
        return out
    }

    private func sendTime(_ i: Int) -> Int64 {
        guard speed > 0 else { return 0 }
        let frame = serverFrames[i]
        var at = lastSentLive + Int64(Double(max(0, frame.tUs - lastSentRecorded)) / 1000 / speed)
        let k = needed[i] - 1
        if k >= 0, k < matchedAt.count {
            at = max(at, matchedAt[k] + Int64(Double(max(0, frame.tUs - clientTimes[k])) / 1000 / speed))
        }
        return at
    }
}
