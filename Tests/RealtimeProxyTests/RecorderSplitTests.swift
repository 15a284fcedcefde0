import Foundation
import NIOCore
import NIOEmbedded
import NIOWebSocket
import RealtimeProtocol
import RealtimeRecording
import RealtimeValidation
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
    /// A frame parked before the client came, then a client frame and a close handshake.
    @Test func theRelayRecordsBeforeItForwardsOnEmbeddedChannels() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("c.jsonl").path
        let loop = EmbeddedEventLoop()
        let upstream = EmbeddedChannel(loop: loop)
        let client = EmbeddedChannel(loop: loop)
        let session = try RelaySession.attach(upstream: upstream, closeGrace: .seconds(5))
        let created = #"{"type":"session.created","event_id":"e1","session":{}}"#
        try upstream.writeInbound(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: created)))
        let recorder = try ConnectionRecorder(conn: "c1", path: path, header: Self.header, observe: { _ in })
        let done = try session.start(client: client, recorder: recorder)
        let lines = { try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") }

        let first = try #require(try client.readOutbound(as: WebSocketFrame.self))
        #expect(String(buffer: first.data) == created)
        #expect(try lines().count == 2)  // header and the parked frame: written before it was forwarded

        let update = #"{"type":"session.update","session":{}}"#
        var masked = ByteBuffer(string: update)
        masked.webSocketMask([1, 2, 3, 4])
        try client.writeInbound(WebSocketFrame(fin: true, opcode: .text, maskKey: [1, 2, 3, 4], data: masked))
        let forwarded = try #require(try upstream.readOutbound(as: WebSocketFrame.self))
        #expect(String(buffer: forwarded.unmaskedData) == update)
        #expect(try lines().last?.contains("session.update") == true)

        var close = ByteBuffer()
        close.writeInteger(UInt16(1000))
        try client.writeInbound(WebSocketFrame(fin: true, opcode: .connectionClose, data: close))
        #expect(try upstream.readOutbound(as: WebSocketFrame.self)?.opcode == .connectionClose)
        try upstream.writeInbound(WebSocketFrame(fin: true, opcode: .connectionClose, data: close))
        #expect(try client.readOutbound(as: WebSocketFrame.self)?.opcode == .connectionClose)
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
