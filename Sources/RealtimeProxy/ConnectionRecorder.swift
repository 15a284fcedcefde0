import Foundation
import NIOConcurrencyHelpers
public import NIOCore
public import NIOWebSocket
public import RealtimeProtocol
public import RealtimeRecording
import RealtimeSession
public import RealtimeValidation

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
    case finding(conn: String, Finding)
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

/// Records one connection: every frame, both directions, as one recording line each, and runs the
/// validator on it live.
///
/// Invariants: lines are written in the order `record` is called, each in one `write(2)` before
/// `record` returns (so the frame is on disk before it is forwarded, and `kill -9` loses at most a
/// partial last line); payloads are written verbatim (`FrameEncoder`). Thread-safe: both forwarding
/// directions call `record` concurrently, serialised by a lock.
///
/// A message fragmented into continuation frames is recorded as one line (its first opcode, the
/// whole payload) when its last frame arrives, so readers and the validator see one event. What is
/// still open when the connection ends, or grows past `maxMessageBytes`, is written as it stands
/// with `"fin":false`, and any later fragments of it as `cont` lines: nothing is dropped.
public final class ConnectionRecorder: @unchecked Sendable {
    public let conn: String
    public let path: String?
    private let lock = NIOLock()
    private var writer: RecordingWriter?
    private let header: RecordingHeader
    /// Start a new part once a file holds this many bytes (nil: one file per connection).
    private let rotateBytes: Int64?
    /// Every file written for this connection, in order.
    public private(set) var paths: [String] = []
    private var validator: SessionValidator
    /// The session model, built live from the same events (audio chunks not kept, so memory stays
    /// flat); it gives the console one line per finished response and the exit summary its numbers.
    private var session: SessionModelBuilder
    private let prices = PriceTable.bundled
    private var seq = 0
    private let start = DispatchTime.now().uptimeNanoseconds
    private let observe: @Sendable (RecorderEvent) -> Void
    /// Whether `.frame` events are reported (their summaries cost a JSON decode per frame).
    private let observeFrames: Bool
    private var scanner = LineScanner(mode: .bareEvent)
    /// Whether lines are held until `flush()` (in this and every later part's writer).
    private var holding = false
    /// Parse storage reused from frame to frame while the validator keeps nothing of the last one.
    private var tape: JSONTape?
    public private(set) var frames = 0
    public private(set) var payloadBytes = 0
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
        self.header = header
        self.rotateBytes = rotateBytes
        paths = path.map { [$0] } ?? []
        self.observeFrames = observeFrames
        self.conn = conn
        self.path = path
        writer = try path.map { try RecordingWriter(path: $0, header: header) }
        validator = SessionValidator(declaredDialect: header.dialect)
        session = SessionModelBuilder(dialect: header.dialect, keepsAudioChunks: false)
        self.observe = observe
    }

    /// The session's aggregates (responses, latency percentiles, cost), once `finish()` ran.
    public var sessionSummary: String? { lock.withLock { session.current.summaryLine(prices: prices) } }

    /// Records `frame` as seen travelling in `direction`; `unmasked` is its payload, already unmasked.
    public func record(_ frame: WebSocketFrame, unmasked: ByteBuffer, _ direction: Direction) throws {
        if frame.opcode == .connectionClose {
            let payload = unmasked.getBytes(at: unmasked.readerIndex, length: unmasked.readableBytes) ?? []
            // A close payload is a 2-byte code and a reason; the recording keeps them apart.
            let code = payload.count >= 2 ? Int(payload[0]) << 8 | Int(payload[1]) : nil
            let reason = payload.count >= 2 ? Array(payload[2...]) : []
            try record(opcode: .close, fin: frame.fin, payload: reason, closeCode: code, direction)
            return
        }
        if !frame.fin || frame.opcode == .continuation {
            try recordFragment(frame, unmasked: unmasked, direction)
            return
        }
        try unmasked.withUnsafeReadableBytes {
            try record(Self.opcode(frame.opcode), fin: frame.fin, $0, closeCode: nil, direction)
        }
    }

    /// Adds a fragment to its direction's message; records the message when this is its last frame.
    private func recordFragment(_ frame: WebSocketFrame, unmasked: ByteBuffer, _ direction: Direction) throws {
        let side = direction == .clientToServer ? 0 : 1
        let bytes = unmasked.readableBytesView
        // What to write now: (opcode, fin, payload) lines, in order.
        let lines = lock.withLock { () -> [(Opcode, Bool, [UInt8])] in
            var out: [(Opcode, Bool, [UInt8])] = []
            if frame.opcode != .continuation {
                // A new message while one is open (a protocol error): the open one is written as it stands.
                if let open = partial[side], !open.spilled { out.append((open.opcode, false, open.bytes)) }
                partial[side] = Partial(opcode: Self.opcode(frame.opcode), bytes: Array(bytes))
            } else if partial[side] == nil || partial[side]?.spilled == true {
                // A continuation with no message open, or of one already written out: recorded as it is.
                out.append((.cont, frame.fin, Array(bytes)))
                if frame.fin { partial[side] = nil }
                return out
            } else {
                partial[side]?.bytes += bytes
            }
            guard let message = partial[side] else { return out }
            if frame.fin {
                out.append((message.opcode, true, message.bytes))
                partial[side] = nil
            } else if message.bytes.count > maxMessageBytes {
                out.append((message.opcode, false, message.bytes))
                partial[side] = Partial(opcode: message.opcode, bytes: [], spilled: true)
            }
            return out
        }
        for (opcode, fin, payload) in lines { try record(opcode: opcode, fin: fin, payload: payload, direction) }
    }

    /// Records a frame given as parts (used by the simulated server, which has no wire frame).
    public func record(
        opcode: Opcode, fin: Bool = true, payload: [UInt8], closeCode: Int? = nil, _ direction: Direction
    ) throws {
        try payload.withUnsafeBytes { try record(opcode, fin: fin, $0, closeCode: closeCode, direction) }
    }

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
        let (observed, found, turn) = try lock.withLock { () throws -> (ObservedFrame?, [Finding], String?) in
            seq += 1
            let tUs = Int64((DispatchTime.now().uptimeNanoseconds - start) / 1000)
            let frame = Frame(
                seq: seq, tUs: tUs, wall: RecordingFormat.wallClock(Date()), conn: conn, direction: direction,
                opcode: opcode, fin: fin, payload: [], closeCode: closeCode, redacted: redacted)
            try writer?.append(frame, payload: payload)
            let embedded = writer?.lastFrameWasJSON == true
            if let rotateBytes, let current = writer, current.bytesWritten >= rotateBytes { try rotate() }
            frames += 1
            payloadBytes += payload.count
            var object: JSONValue?
            // The writer already validated an embedded payload; scan only what it did not embed.
            if opcode == .text, embedded || scanner.scan(payload) == nil {
                object = JSONTape.parse(payload, reusing: &tape)
            }
            var event = ValidatorEvent(
                line: seq + 1, index: seq, tUs: tUs, direction: direction, opcode: opcode, object: object)
            if opcode == .error { event.note = String(decoding: payload, as: UTF8.self) }
            let found = validator.consume(event)
            findings += found
            session.consume(event)
            let turn = session.finishedResponse.map { session.current.turnLine(response: $0, prices: prices) }
            guard observeFrames else { return (nil, found, turn) }
            let type = object?["type"]?.string
            let summary = Self.summary(opcode: opcode, object: object, closeCode: closeCode, payload: Array(payload))
            return (
                ObservedFrame(
                    conn: conn, seq: seq, tUs: tUs, direction: direction, opcode: opcode, type: type, summary: summary,
                    bytes: payload.count), found, turn
            )
        }
        if let observed { observe(.frame(observed)) }
        for finding in found { observe(.finding(conn: conn, finding)) }
        if let turn { observe(.turn(conn: conn, line: turn)) }
    }

    /// Continues the recording in a new file (`NAME.2.jsonl`, …) whose header names the part before.
    ///
    /// Called with the lock held, between two frames, so no frame is split or lost.
    private func rotate() throws {
        guard let first = paths.first else { return }
        let stem = first.hasSuffix(".jsonl") ? String(first.dropLast(6)) : first
        let next = "\(stem).\(paths.count + 1).jsonl"
        var partHeader = header
        partHeader.part = paths.count + 1
        partHeader.previous = ((paths.last ?? first) as NSString).lastPathComponent
        try writer?.flush()
        let nextWriter = try RecordingWriter(path: next, header: partHeader)
        nextWriter.holdsLines = holding
        writer = nextWriter
        paths.append(next)
    }

    /// Whether lines wait in memory until `flush()` (see `RecordingWriter.holdsLines`); the relay
    /// turns this on and flushes once per read burst, before it forwards the burst's frames.
    func holdLines() {
        lock.withLock {
            holding = true
            writer?.holdsLines = true
        }
    }

    /// Writes the lines held since the last flush.
    /// - Throws: `RecordingError` when the file cannot be written.
    func flush() throws {
        try lock.withLock { try writer?.flush() }
    }

    /// Reports that recording failed (the relay then closes the connection).
    func fail(_ error: any Error) {
        var message = "\(error)"
        while message.hasSuffix(".") { message.removeLast() }
        observe(.failure(conn: conn, message: message))
    }

    /// Closes the recording and runs the end-of-session checks; returns every finding of the connection.
    @discardableResult
    public func finish() -> [Finding] {
        // A message still open is written as it stands (`fin: false`), not dropped.
        let open = lock.withLock { () -> [(Opcode, [UInt8], Direction)] in
            defer { partial = [nil, nil] }
            return zip(partial, [Direction.clientToServer, .serverToClient]).compactMap { message, direction in
                guard let message, !message.spilled else { return nil }
                return (message.opcode, message.bytes, direction)
            }
        }
        for (opcode, bytes, direction) in open { try? record(opcode: opcode, fin: false, payload: bytes, direction) }
        let found = lock.withLock { () -> [Finding] in
            try? writer?.flush()
            writer = nil  // closes the file: nothing is recorded after `finish`
            let found = validator.finish()
            findings += found
            return found
        }
        for finding in found { observe(.finding(conn: conn, finding)) }
        return lock.withLock { findings }
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

    static func summary(opcode: Opcode, object: JSONValue?, closeCode: Int?, payload: [UInt8]) -> String {
        switch opcode {
        case .close:
            let reason = SafeText.escape(String(String(decoding: payload, as: UTF8.self).prefix(60)))
            return "close \(closeCode.map(String.init) ?? "(no code)")\(reason.isEmpty ? "" : " \(reason)")"
        case .text:
            guard object != nil else { return "(not JSON, \(payload.count) bytes)" }
            guard let event = (try? JSONSerialization.jsonObject(with: Data(payload))) as? [String: Any] else {
                return ""
            }
            let spec = (event["type"] as? String).flatMap { EventCatalog.standard.spec(for: $0) }
            return SafeText.escape(EventSummary.summarize(event, spec: spec, maxText: 60))
        default:
            return "\(payload.count) bytes"
        }
    }
}
