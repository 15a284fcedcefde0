import Foundation
public import NIOCore
public import NIOWebSocket
public import RealtimeProtocol
public import RealtimeRecording
public import RealtimeValidation
public import RealtimeWire

/// One frame as the console shows it (type and summary, never the raw payload).
public struct ObservedFrame: Sendable {
    public let conn: String
    public let seq: Int
    public let tUs: Int64
    public let direction: Direction
    public let opcode: Opcode
    /// The event type of a JSON text frame.
    public let type: String?
    /// A short, control-character-safe summary (delta text, item role, close code, …).
    public let summary: String
    public let bytes: Int
}

/// What a recorder reports while it runs.
public enum RecorderEvent: Sendable {
    case frame(ObservedFrame)
    /// A finding, with the file of its frame's part (`finding.line` is the line in that file).
    case finding(conn: String, Finding, file: String? = nil)
    /// The recording could not be written; the connection is closed rather than forwarded unrecorded.
    case failure(conn: String, message: String)
    /// A connection that never became a session: the upstream refused the upgrade or could not be
    /// reached (one sentence, credentials removed), reported when it happens.
    case refused(conn: String, message: String)
    /// Something outside any connection, such as a client whose TLS handshake failed (one sentence).
    case notice(message: String)
    /// A response finished: its latencies, tool time and cost in one line (`SessionModel.turnLine`).
    case turn(conn: String, line: String)
    /// A connection ended and its recording is closed (sent after `finish()`, on the event loop:
    /// an observer must return at once; the OTLP live export only queues the paths).
    case closed(RecordingProxy.ConnectionSummary)
}

/// Records one connection: every frame, both directions, as one recording line each, and hands each
/// recorded frame to the live validation, session model and console (`LiveAnalysis`).
///
/// Invariants: lines are written in the order `record` is called, each before `record` returns, or
/// with `holdLines()` at the next `flush()`, which the relay calls before it forwards the burst (so
/// the frame is on disk before it is forwarded, and `kill -9` loses at most a partial last line);
/// payloads are written verbatim (`FrameEncoder`). The live work runs after that, off the calling
/// thread: at once without `holdLines()`, else at `publish()`, which the relay calls once the
/// burst's frames are on their way. Not thread-safe: the relay calls it from its one event loop
/// (both directions), and `finish()` runs once the connection is over.
///
/// A message fragmented into continuation frames is recorded as one line (its first opcode, the
/// whole payload) when its last frame arrives, so readers and the validator see one event. What is
/// still open when the connection ends, or grows past `maxMessageBytes`, is written as it stands
/// with `"fin":false`, and any later fragments of it as `cont` lines: nothing is dropped.
public final class ConnectionRecorder: @unchecked Sendable {  // confined: see above
    public let conn: String
    public let path: String?
    private let sink: RecordingSink
    private let live: LiveAnalysis
    /// Every file written for this connection, in order.
    public var paths: [String] { sink.paths }
    private var seq = 0
    private let start = DispatchTime.now().uptimeNanoseconds
    /// Whether live work waits for `publish()` (set by `holdLines()`).
    private var holding = false
    /// Recorded frames not yet handed to the live analysis.
    private var unpublished: [RecordedFrame] = []
    public private(set) var frames = 0
    public private(set) var payloadBytes = 0
    /// Every finding of the connection, once `finish()` ran.
    public private(set) var findings: [Finding] = []
    /// Per direction (client→server, server→client): the fragmented message being put together.
    private var partial: [Partial?] = [nil, nil]
    private let maxMessageBytes: Int

    /// A fragmented message so far; `spilled` once it was written out unfinished (its later
    /// fragments are then recorded frame by frame).
    private struct Partial {
        var opcode: Opcode
        var bytes: [UInt8]
        var spilled = false
    }

    /// Creates the recording at `path` (nil: validate and observe without writing).
    /// - Throws: `RecordingError` when the file cannot be created.
    public init(
        conn: String, path: String?, header: RecordingHeader, observeFrames: Bool = true, rotateBytes: Int64? = nil,
        maxMessageBytes: Int = maxFrameSize, observe: @escaping @Sendable (RecorderEvent) -> Void
    ) throws {
        self.maxMessageBytes = maxMessageBytes
        self.conn = conn
        self.path = path
        sink = try RecordingSink(path: path, header: header, rotateBytes: rotateBytes)
        live = LiveAnalysis(conn: conn, dialect: header.dialect, observeFrames: observeFrames, observe: observe)
    }

    /// The session's aggregates (responses, latency percentiles, cost), once `finish()` ran.
    public var sessionSummary: String? { live.summary }

    /// Frames the live analysis skipped because it fell behind (the recording has them all).
    public var liveDropped: Int { live.dropped }

    /// Records a frame as seen travelling in `direction`: its wire opcode, fin bit and payload (`unmasked`,
    /// already unmasked).
    public func record(opcode: WebSocketOpcode, fin: Bool, unmasked: ByteBuffer, _ direction: Direction) throws {
        if opcode == .connectionClose {
            let payload = unmasked.getBytes(at: unmasked.readerIndex, length: unmasked.readableBytes) ?? []
            // A close payload is a 2-byte code and a reason; the recording keeps them apart.
            let code = payload.count >= 2 ? Int(payload[0]) << 8 | Int(payload[1]) : nil
            let reason = payload.count >= 2 ? Array(payload[2...]) : []
            try record(opcode: .close, fin: fin, payload: reason, closeCode: code, direction)
            return
        }
        if !fin || opcode == .continuation {
            let side = direction == .clientToServer ? 0 : 1
            for (opcode, fin, payload) in assemble(
                opcode, fin: fin, bytes: Array(unmasked.readableBytesView), side: side)
            {
                try record(opcode: opcode, fin: fin, payload: payload, direction)
            }
            return
        }
        try unmasked.withUnsafeReadableBytes {
            try record(Self.opcode(opcode), fin: fin, $0, closeCode: nil, direction)
        }
    }

    /// What to write now for one fragment: (opcode, fin, payload) lines, in order.
    private func assemble(_ opcode: WebSocketOpcode, fin: Bool, bytes: [UInt8], side: Int) -> [(Opcode, Bool, [UInt8])]
    {
        var out: [(Opcode, Bool, [UInt8])] = []
        if opcode != .continuation {
            // A new message while one is open (a protocol error): the open one is written as it stands.
            if let open = partial[side], !open.spilled { out.append((open.opcode, false, open.bytes)) }
            partial[side] = Partial(opcode: Self.opcode(opcode), bytes: bytes)
        } else if partial[side] == nil || partial[side]?.spilled == true {
            // A continuation with no message open, or of one already written out: recorded as it is.
            out.append((.cont, fin, bytes))
            if fin { partial[side] = nil }
            return out
        } else {
            partial[side]?.bytes += bytes
        }
        guard let message = partial[side] else { return out }
        if fin {
            out.append((message.opcode, true, message.bytes))
            partial[side] = nil
        } else if message.bytes.count > maxMessageBytes {
            out.append((message.opcode, false, message.bytes))
            partial[side] = Partial(opcode: message.opcode, bytes: [], spilled: true)
        }
        return out
    }

    /// Records a frame given as parts (used by the simulated server, which has no wire frame).
    public func record(
        opcode: Opcode, fin: Bool = true, payload: [UInt8], closeCode: Int? = nil, _ direction: Direction
    ) throws {
        try payload.withUnsafeBytes { try record(opcode, fin: fin, $0, closeCode: closeCode, direction) }
    }

    /// Writes the frame's line (the forwarding path's only work besides forwarding) and queues the
    /// frame for the live analysis.
    private func record(
        _ opcode: Opcode, fin: Bool, _ payload: UnsafeRawBufferPointer, closeCode: Int?, _ direction: Direction,
        redacted: Bool = false
    ) throws {
        // Ephemeral keys never reach the file, the validator or the console; a `memchr` rules out most frames.
        if opcode == .text, !redacted, let clean = PayloadRedactor.redact(payload) {
            try clean.withUnsafeBytes {
                try record(opcode, fin: fin, $0, closeCode: closeCode, direction, redacted: true)
            }
            return
        }
        seq += 1
        let tUs = Int64((DispatchTime.now().uptimeNanoseconds - start) / 1000)
        let frame = Frame(
            seq: seq, tUs: tUs, wall: RecordingFormat.wallClock(Date()), conn: conn, direction: direction,
            opcode: opcode, fin: fin, payload: [], closeCode: closeCode, redacted: redacted)
        let (location, embedded) = try sink.append(frame, payload: payload)
        frames += 1
        payloadBytes += payload.count
        unpublished.append(
            RecordedFrame(
                seq: seq, tUs: tUs, direction: direction, opcode: opcode, closeCode: closeCode,
                payload: Array(payload), location: location, embeddedJSON: embedded))
        if !holding { publish() }
    }

    /// Whether lines wait in memory until `flush()` (see `RecordingWriter.holdsLines`) and live work
    /// until `publish()`; the relay turns this on, flushes once per read burst before it forwards
    /// the burst's frames, and publishes once they are written.
    func holdLines() {
        holding = true
        sink.holdLines()
    }

    /// Writes the lines held since the last flush.
    /// - Throws: `RecordingError` when the file cannot be written.
    func flush() throws { try sink.flush() }

    /// Hands the frames recorded since the last call to the live analysis (never blocks).
    func publish() {
        guard !unpublished.isEmpty else { return }
        live.submit(unpublished)  // copies the frames into its inbox
        unpublished.removeAll(keepingCapacity: unpublished.capacity <= 1024)  // no allocation per frame
    }

    /// Reports that recording failed (the relay then closes the connection).
    func fail(_ error: any Error) {
        var message = "\(error)"
        while message.hasSuffix(".") { message.removeLast() }
        live.post(.failure(conn: conn, message: message))  // not on the event loop: the console may block
    }

    /// Closes the recording and runs the end-of-session checks; returns every finding of the connection.
    ///
    /// Waits for the live analysis to catch up: call it off the event loop.
    @discardableResult
    public func finish() -> [Finding] {
        // A message still open is written as it stands (`fin: false`), not dropped.
        let open = zip(partial, [Direction.clientToServer, .serverToClient]).compactMap {
            message, direction -> (Opcode, [UInt8], Direction)? in
            guard let message, !message.spilled else { return nil }
            return (message.opcode, message.bytes, direction)
        }
        partial = [nil, nil]
        for (opcode, bytes, direction) in open { try? record(opcode: opcode, fin: false, payload: bytes, direction) }
        sink.close()  // nothing is recorded after `finish`
        publish()
        findings = live.finish()
        return findings
    }

    /// The recording's name for a wire opcode (unknown ones are kept as binary).
    static func opcode(_ opcode: WebSocketOpcode) -> Opcode {
        switch opcode {
        case .text: .text
        case .binary: .binary
        case .continuation: .cont
        case .ping: .ping
        case .pong: .pong
        case .connectionClose: .close
        default: .binary
        }
    }
}

extension WireFrame {
    /// The frame's opcode as the recording names it (`ConnectionRecorder.opcode`).
    public var recordingOpcode: Opcode { ConnectionRecorder.opcode(webSocketOpcode) }
}

extension ObservedFrame {
    /// A short, escaped summary of a frame for the console (the parsed event converted to a `JSON` tree).
    static func summary(opcode: Opcode, object: JSONValue?, closeCode: Int?, payload: [UInt8]) -> String {
        switch opcode {
        case .close:
            let reason = SafeText.escape(String(String(decoding: payload, as: UTF8.self).prefix(60)))
            return "close \(closeCode.map(String.init) ?? "(no code)")\(reason.isEmpty ? "" : " \(reason)")"
        case .text:
            guard let object else { return "(not JSON, \(payload.count) bytes)" }
            guard object.isObject else { return "" }
            let event = JSON(object)
            let spec = event["type"]?.string.flatMap { EventCatalog.standard.spec(for: $0) }
            return SafeText.escape(EventSummary.summarize(event, spec: spec, maxText: 60))
        default:
            return "\(payload.count) bytes"
        }
    }
}
