import Foundation
import RealtimeProtocol
import RealtimeRecording
import Testing

@testable import RealtimeProxy

/// How recorded frames reach the live analysis: batched, so the relay does not wake the analysis
/// thread for every frame (see `LiveAnalysis`).
struct LiveHandOffTests {
    /// A legal client event as a recorded frame (hand-made).
    static func frame(_ seq: Int) -> RecordedFrame {
        let payload = Array(#"{"type":"input_audio_buffer.clear","event_id":"e\#(seq)"}"#.utf8)
        return RecordedFrame(
            seq: seq, tUs: Int64(seq), direction: .clientToServer, opcode: .text, closeCode: nil, payload: payload,
            location: LineLocation(path: "x.jsonl", line: seq + 1), embeddedJSON: false)
    }

    /// Polls `condition` for up to `seconds`.
    static func eventually(_ seconds: Double = 5, _ condition: () -> Bool) async throws -> Bool {
        let end = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < end {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    /// Frames wait in the inbox until the wake delay: a submit does not wake the analysis thread
    /// (before, every submit queued work at once, so each forwarded frame woke it).
    @Test func aSubmitDoesNotWakeTheAnalysisAtOnce() async throws {
        let seen = FrameLog()
        let live = LiveAnalysis(
            conn: "c1", dialect: nil, observeFrames: true, wakeDelay: .seconds(3600), observe: seen.add)
        live.submit([Self.frame(1)])
        live.submit([Self.frame(2), Self.frame(3)])
        try await Task.sleep(for: .milliseconds(300))
        #expect(seen.seqs.isEmpty)
        _ = live.finish()  // takes the inbox first
        #expect(seen.seqs == [1, 2, 3])
    }

    /// The wake delay runs out: what waited is analysed without anything else happening.
    @Test func theDelayedWakeAnalysesWhatWaited() async throws {
        let seen = FrameLog()
        let live = LiveAnalysis(
            conn: "c1", dialect: nil, observeFrames: true, wakeDelay: .milliseconds(50), observe: seen.add)
        for seq in 1...5 { live.submit([Self.frame(seq)]) }
        #expect(try await Self.eventually { seen.seqs == [1, 2, 3, 4, 5] })
        live.submit([Self.frame(6)])  // a later frame schedules the next wake
        #expect(try await Self.eventually { seen.seqs.count == 6 })
        _ = live.finish()
        #expect(seen.seqs == Array(1...6))
    }

    /// A full inbox wakes the analysis at once, and the order stays the recording order.
    @Test func aFullInboxWakesAtOnce() async throws {
        let seen = FrameLog()
        let live = LiveAnalysis(
            conn: "c1", dialect: nil, observeFrames: true, wakeDelay: .seconds(3600), wakeFrames: 4, observe: seen.add)
        live.submit([Self.frame(1), Self.frame(2)])
        live.submit([Self.frame(3)])
        live.submit([Self.frame(4)])
        #expect(try await Self.eventually { seen.seqs.count == 4 })
        #expect(seen.seqs == [1, 2, 3, 4])
        _ = live.finish()
    }

    /// An event posted by the relay (a recording failure) comes after the frames recorded before it.
    @Test func aPostedEventComesAfterTheFramesBeforeIt() async throws {
        let seen = FrameLog()
        let live = LiveAnalysis(
            conn: "c1", dialect: nil, observeFrames: true, wakeDelay: .seconds(3600), observe: seen.add)
        live.submit([Self.frame(1), Self.frame(2)])
        live.post(.failure(conn: "c1", message: "disk full"))
        #expect(try await Self.eventually { seen.order.count == 3 })
        #expect(seen.order == ["1", "2", "failure"])
        _ = live.finish()
    }
}

/// What the live analysis reported, for tests (thread-safe).
final class FrameLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [String] = []

    @Sendable func add(_ event: RecorderEvent) {
        let name: String? =
            switch event {
            case .frame(let frame): "\(frame.seq)"
            case .failure: "failure"
            default: nil
            }
        if let name { lock.withLock { events.append(name) } }
    }

    var order: [String] { lock.withLock { events } }
    var seqs: [Int] { order.compactMap { Int($0) } }
}
