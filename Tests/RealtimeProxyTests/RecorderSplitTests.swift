import Foundation
import NIOCore
import NIOEmbedded
import NIOWebSocket
import RealtimeProtocol
import RealtimeRecording
import RealtimeValidation
import RealtimeWire
import Testing

@testable import RealtimeProxy

/// The recorder split in two: the recording sink (lines, parts, real line numbers) and the live
/// analysis (validator, session model, console) that runs off the forwarding path.
struct RecorderSplitTests {
    static func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-split-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static let header = RecordingHeader(created: "2026-01-01T00:00:00.000000Z", source: "proxy")

    /// A finding about a frame in a later part names that part's file and the frame's line in it
    /// (the recorder used to report `seq + 1`, the line it would have had without rotation).
    @Test func findingsNameTheRealFileAndLineAfterRotation() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("c.jsonl").path
        let seen = FindingLog()
        let recorder = try ConnectionRecorder(
            conn: "c1", path: path, header: Self.header, rotateBytes: 400, observe: seen.add)
        let append = { (k: Int) in
            #"{"type":"input_audio_buffer.append","event_id":"e\#(k)","audio":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}"#
        }
        for k in 0..<9 { try recorder.record(opcode: .text, payload: Array(append(k).utf8), .clientToServer) }
        // Hand-made: an event type no catalog has, so the validator reports exactly this frame.
        try recorder.record(
            opcode: .text, payload: Array(#"{"type":"bogus.marker","event_id":"m"}"#.utf8), .clientToServer)
        for k in 9..<12 { try recorder.record(opcode: .text, payload: Array(append(k).utf8), .clientToServer) }
        let findings = recorder.finish()

        let paths = recorder.paths
        #expect(paths.count >= 3)
        var real: (path: String, line: Int)?
        for part in paths {
            let lines = try String(contentsOfFile: part, encoding: .utf8).split(separator: "\n")
            if let i = lines.firstIndex(where: { $0.contains("bogus.marker") }) { real = (part, i + 1) }
        }
        let marker = try #require(real)
        #expect(marker.path != paths[0])  // in a later part, where seq + 1 is not its line
        let finding = try #require(findings.first { $0.rule == "unknown-event-type" })
        #expect(finding.line == marker.line)
        #expect(finding.eventIndex == 10)
        #expect(seen.located.contains { $0 == ("unknown-event-type", marker.path, marker.line) })
    }

    /// Without a file the lines are numbered as one file would be (header, then one line per frame).
    @Test func withoutAFileLinesCountFromTheHeader() throws {
        let sink = try RecordingSink(path: nil, header: Self.header, rotateBytes: 10)
        let frame = Frame(
            seq: 7, tUs: 0, wall: "", conn: "c", direction: .clientToServer, opcode: .text, fin: true, payload: [])
        let (location, _) = try [UInt8]("{}".utf8).withUnsafeBytes { try sink.append(frame, payload: $0) }
        #expect(location == LineLocation(path: nil, line: 8))
        #expect(sink.paths.isEmpty)
    }

    /// The live stage never blocks the caller: with its consumer stuck, batches beyond the bound are
    /// dropped and counted, one notice says live validation stopped, and what was queued is analysed.
    @Test func aStuckConsoleNeverBlocksRecordingAndDropsAreCounted() async throws {
        let gate = DispatchSemaphore(value: 0)
        let seen = FindingLog()
        let live = LiveAnalysis(conn: "c1", dialect: nil, observeFrames: true, maxPendingFrames: 4) { event in
            if case .frame(let frame) = event, frame.seq == 1 { gate.wait() }  // a console that cannot write
            seen.add(event)
        }
        let started = ContinuousClock.now
        for seq in 1...10 {
            let payload = Array(#"{"type":"input_audio_buffer.clear","event_id":"e\#(seq)"}"#.utf8)
            live.submit([
                RecordedFrame(
                    seq: seq, tUs: Int64(seq), direction: .clientToServer, opcode: .text, closeCode: nil,
                    payload: payload, location: LineLocation(path: "x.jsonl", line: seq + 1), embeddedJSON: false)
            ])
        }
        #expect(ContinuousClock.now - started < .seconds(2))  // returned while the consumer was stuck
        #expect(live.dropped == 6)  // batch 1 is being analysed, 2–4 wait, 5–10 do not fit
        gate.signal()
        _ = live.finish()
        #expect(seen.frames == 4)
        #expect(seen.notices.count == 1)
        #expect(seen.notices.first?.contains("live validation stopped at x.jsonl:6") == true)
    }

    /// The relay on EmbeddedChannels records each frame before it reaches the other side, unchanged.
    ///
    /// A frame parked before the client came (arriving in two reads), then a masked client frame
    /// that goes on masked with a fresh key, and a close handshake.
    @Test func theRelayRecordsBeforeItForwardsOnEmbeddedChannels() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("c.jsonl").path
        let loop = EmbeddedEventLoop()
        let upstream = EmbeddedChannel(loop: loop)
        let client = EmbeddedChannel(loop: loop)
        let session = try RelaySession.attach(upstream: upstream, closeGrace: .seconds(5))
        let created = #"{"type":"session.created","event_id":"e1","session":{}}"#
        var createdBytes = Self.wire(.text, created)
        let head = try #require(createdBytes.getSlice(at: 0, length: 5))
        createdBytes.moveReaderIndex(forwardBy: 5)
        try upstream.writeInbound(head)  // a frame split across reads is put back together
        try upstream.writeInbound(createdBytes)
        let recorder = try ConnectionRecorder(conn: "c1", path: path, header: Self.header, observe: { _ in })
        let done = try session.start(client: client, recorder: recorder)
        let lines = { try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") }

        let first = try #require(try client.readOutbound(as: ByteBuffer.self))
        #expect(first == Self.wire(.text, created))  // the upstream's bytes, unchanged
        #expect(try lines().count == 2)  // header and the parked frame: written before it was forwarded

        let update = #"{"type":"session.update","session":{}}"#
        let masked = Self.wire(.text, update, mask: 0x0403_0201)
        try client.writeInbound(masked)
        let sent = try Self.nextFrame(sentTo: upstream)
        var scratch = ByteBuffer()
        #expect(String(buffer: sent.unmaskedPayload(scratch: &scratch)) == update && sent.webSocketOpcode == .text)
        #expect(sent.maskWord != nil && sent.maskWord != 0x0403_0201)  // masked again, with a fresh key
        #expect(try lines().last?.contains("session.update") == true)  // recorded unmasked

        var close = ByteBuffer()
        close.writeInteger(UInt16(1000))
        try client.writeInbound(Self.wire(.connectionClose, close, mask: 7))
        let closing = try Self.nextFrame(sentTo: upstream)
        #expect(closing.webSocketOpcode == .connectionClose && closing.unmaskedPayload(scratch: &scratch) == close)
        try upstream.writeInbound(Self.wire(.connectionClose, close))
        #expect(try client.readOutbound(as: ByteBuffer.self) == Self.wire(.connectionClose, close))
        loop.run()
        #expect(!client.isActive && !upstream.isActive)  // the handshake was complete: both closed at once
        var ended = false
        done.whenSuccess { ended = true }
        loop.run()
        #expect(ended)
        let findings = recorder.finish()
        #expect(recorder.frames == 4)
        #expect(try lines().count == 5)
        #expect(findings.allSatisfy { $0.line >= 2 && $0.line <= 5 })
    }

    /// Frames masked the wrong way for their way are encoded again: an unmasked client frame reaches
    /// the upstream masked, a masked upstream frame reaches the client unmasked; both recorded as sent.
    @Test func framesMaskedTheWrongWayAreEncodedAgain() throws {
        let relay = try EmbeddedRelay(name: "m")
        defer { relay.removeFiles() }
        let (upstream, client, recorder, path) = (relay.upstream, relay.client, relay.recorder, relay.path)
        let text = #"{"type":"response.create"}"#
        try client.writeInbound(Self.wire(.text, text))
        let sent = try Self.nextFrame(sentTo: upstream)
        #expect(sent.maskWord != nil && sent.webSocketOpcode == .text && sent.fin)
        var scratch = ByteBuffer()
        #expect(String(buffer: sent.unmaskedPayload(scratch: &scratch)) == text)

        try upstream.writeInbound(Self.wire(.text, #"{"type":"response.created"}"#, mask: 99))
        #expect(try client.readOutbound(as: ByteBuffer.self) == Self.wire(.text, #"{"type":"response.created"}"#))
        _ = recorder.finish()
        let recorded = try String(contentsOfFile: path, encoding: .utf8)
        #expect(recorded.contains(#""type":"response.create"}"#) && recorded.contains("response.created"))
    }

    /// A frame over the limit is not forwarded: its sender gets close 1009 and is closed, the other
    /// side gets close 1009, and nothing the sender sends after it is read.
    @Test func aFrameOverTheLimitIsAnsweredWith1009OnEmbeddedChannels() throws {
        let relay = try EmbeddedRelay(name: "l", maxFrameSize: 1024)
        defer { relay.removeFiles() }
        let (upstream, client, recorder, path) = (relay.upstream, relay.client, relay.recorder, relay.path)
        var big = Self.wire(.binary, String(repeating: "x", count: 2000), mask: 5)
        let header = try #require(big.getSlice(at: 0, length: 8))  // only the header is in: refused already
        big.moveReaderIndex(forwardBy: 8)
        try client.writeInbound(header)
        var answer = try #require(try client.readOutbound(as: ByteBuffer.self))
        #expect(answer.readInteger(as: UInt16.self) == 0x8802)  // close, unmasked, 2 bytes
        #expect(answer.readInteger(as: UInt16.self) == 1009)
        let close = try Self.nextFrame(sentTo: upstream)
        var scratch = ByteBuffer()
        #expect(close.webSocketOpcode == .connectionClose && close.maskWord != nil)
        #expect(close.unmaskedPayload(scratch: &scratch).getInteger(at: 0, as: UInt16.self) == 1009)
        try client.writeInbound(big)  // the rest of it: not read, not forwarded
        #expect(try upstream.readOutbound(as: ByteBuffer.self) == nil)
        relay.loop.run()
        #expect(!client.isActive)
        _ = recorder.finish()
        let recorded = try String(contentsOfFile: path, encoding: .utf8)
        #expect(recorded.contains("1024-byte limit"))
    }

    /// The next write to `channel`, which must be exactly one whole frame.
    static func nextFrame(sentTo channel: EmbeddedChannel) throws -> WireFrame {
        var frames: [WireFrame] = []
        var decoder = WireFrameDecoder(maxFrameSize: 1 << 20)
        _ = decoder.read(try #require(try channel.readOutbound(as: ByteBuffer.self))) { frames.append($0) }
        try #require(frames.count == 1)
        return frames[0]
    }

    /// A relay between two embedded channels on one loop, started, recording to `NAME.jsonl` in a folder of its own.
    struct EmbeddedRelay {
        let dir: URL
        let path: String
        let loop = EmbeddedEventLoop()
        let upstream: EmbeddedChannel
        let client: EmbeddedChannel
        let recorder: ConnectionRecorder

        init(name: String, maxFrameSize: Int = 1 << 20) throws {
            dir = try RecorderSplitTests.folder()
            path = dir.appendingPathComponent("\(name).jsonl").path
            (upstream, client) = (EmbeddedChannel(loop: loop), EmbeddedChannel(loop: loop))
            let session = try RelaySession.attach(
                upstream: upstream, closeGrace: .seconds(5), maxFrameSize: maxFrameSize)
            recorder = try ConnectionRecorder(
                conn: "\(name)1", path: path, header: RecorderSplitTests.header, observe: { _ in })
            _ = try session.start(client: client, recorder: recorder)
        }

        func removeFiles() { try? FileManager.default.removeItem(at: dir) }
    }

    /// One frame's bytes as a peer sends it (masked with `mask`, first key byte lowest, when given).
    static func wire(_ opcode: WebSocketOpcode, _ text: String, mask: UInt32? = nil) -> ByteBuffer {
        wire(opcode, ByteBuffer(string: text), mask: mask)
    }

    static func wire(_ opcode: WebSocketOpcode, _ payload: ByteBuffer, mask: UInt32? = nil) -> ByteBuffer {
        WireFrame.make(
            opcode: UInt8(webSocketOpcode: opcode), payload: payload, maskWord: mask, allocator: ByteBufferAllocator()
        ).bytes
    }
}

/// What the recorder reported, for tests (thread-safe).
final class FindingLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [RecorderEvent] = []

    @Sendable func add(_ event: RecorderEvent) { lock.withLock { events.append(event) } }

    private var all: [RecorderEvent] { lock.withLock { events } }
    /// (rule, file, line) of every finding.
    var located: [(String, String?, Int)] {
        all.compactMap { if case .finding(_, let f, let file) = $0 { (f.rule, file, f.line) } else { nil } }
    }
    var frames: Int { all.filter { if case .frame = $0 { true } else { false } }.count }
    var notices: [String] { all.compactMap { if case .notice(let message) = $0 { message } else { nil } } }
}
