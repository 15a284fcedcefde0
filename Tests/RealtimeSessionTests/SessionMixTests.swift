import Foundation
import Testing

@testable import RealtimeSession

/// The session mix against two plain in-memory arrays: any sequence of writes to either channel (forward runs, jumps
/// back before what was written out, writes across the rings' end, chunks longer than a ring) leaves the stereo file
/// holding exactly the two arrays interleaved.
struct SessionMixTests {
    @Test(arguments: [(UInt64(1), 4000), (2, 4000), (3, 4000), (4, SessionMix.capacity), (5, 64)] as [(UInt64, Int)])
    func randomWritesEndInTheFileAsInMemory(seed: UInt64, capacity: Int) throws {
        var rng = Lehmer(state: seed)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sessionmix-\(UUID()).wav").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let mix = try SessionMix(path: path, capacity: capacity)
        let size = max(capacity, 100_000) * 6 / 2  // samples
        var expected = [[UInt8](repeating: 0, count: size * 2), [UInt8](repeating: 0, count: size * 2)]
        var cursor = [0, 0]
        var end = 0
        for step in 0..<400 {
            let c = Int(rng.next() % 2)
            let count: Int  // samples
            switch rng.next() % 10 {
            case 0: count = capacity / 2 + Int(rng.next() % 2500)  // longer than a ring
            default: count = 1 + Int(rng.next() % 10000)
            }
            switch rng.next() % 4 {
            case 0: cursor[c] = Int(rng.next() % UInt64(size - count))  // anywhere
            case 1: cursor[c] = min(size - count, max(0, cursor[c] - Int(rng.next() % 50000)))  // a little back
            default: cursor[c] = min(size - count, cursor[c] + Int(rng.next() % 15000))  // onwards
            }
            let value = UInt8(truncatingIfNeeded: step + 1)
            try mix.modify(right: c == 1, first: cursor[c], count: count) { bytes in
                for k in bytes.indices where k % 3 != 0 { bytes[k] = value }  // keep a third as it was
            }
            for k in (cursor[c] * 2)..<((cursor[c] + count) * 2) where (k - cursor[c] * 2) % 3 != 0 {
                expected[c][k] = value
            }
            end = max(end, (cursor[c] + count) * 2)
        }
        try mix.finish(keep: true)
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
        let written = Array(data.dropFirst(WAVFile.headerBytes))
        var interleaved = [UInt8](repeating: 0, count: end * 2)
        for k in stride(from: 0, to: end, by: 2) {
            interleaved[k * 2] = expected[0][k]
            interleaved[k * 2 + 1] = expected[0][k + 1]
            interleaved[k * 2 + 2] = expected[1][k]
            interleaved[k * 2 + 3] = expected[1][k + 1]
        }
        // The first differing byte, not the arrays (a diff of megabytes takes minutes to print).
        #expect(written.count == interleaved.count)
        #expect(zip(written, interleaved).enumerated().first { $0.element.0 != $0.element.1 }?.offset == nil)
    }

    /// A mix that is not kept leaves nothing behind, and an earlier export's mix stays as it was.
    @Test func aMixNotKeptLeavesAnEarlierMixInPlace() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sessionmix-\(UUID()).wav").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("earlier".utf8).write(to: URL(fileURLWithPath: path))
        let mix = try SessionMix(path: path)
        try mix.modify(right: false, first: 0, count: 10) { $0.update(repeating: 1) }
        try mix.finish(keep: false)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("earlier".utf8))
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
    }
}

/// Knuth's MMIX linear congruential generator: deterministic, so a failing seed can be rerun.
struct Lehmer {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 16
    }
}
