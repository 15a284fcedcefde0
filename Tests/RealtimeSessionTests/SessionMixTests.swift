import Foundation
import Testing

@testable import RealtimeSession

/// The mix window against a plain in-memory array: any sequence of writes (forward runs, jumps
/// back, chunks longer than the window) leaves the file holding exactly what the array holds.
struct MixWindowTests {
    @Test(arguments: [1, 2, 3, 4, 5])
    func randomWritesEndInTheFileAsInMemory(seed: UInt64) throws {
        var rng = Lehmer(state: seed)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mixwindow-\(UUID()).wav").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try WAVFile(path: path, encoding: .pcm16, rate: 24000)
        let window = MixWindow(file: file)
        let size = MixWindow.capacity * 6
        var expected = [UInt8](repeating: 0, count: size)
        var cursor = 0
        for step in 0..<400 {
            let count: Int
            switch rng.next() % 10 {
            case 0: count = MixWindow.capacity + Int(rng.next() % 5000)  // longer than the window
            default: count = 1 + Int(rng.next() % 20000)
            }
            switch rng.next() % 4 {
            case 0: cursor = Int(rng.next() % UInt64(size - count))  // anywhere
            case 1: cursor = min(size - count, max(0, cursor - Int(rng.next() % 100_000)))  // a little back
            default: cursor = min(size - count, cursor + Int(rng.next() % 30000))  // onwards
            }
            let value = UInt8(truncatingIfNeeded: step + 1)
            try window.modify(offset: cursor, count: count) { bytes in
                for k in bytes.indices where k % 3 != 0 { bytes[k] = value }  // keep a third as it was
            }
            for k in cursor..<(cursor + count) where (k - cursor) % 3 != 0 { expected[k] = value }
        }
        try window.flush()
        let written = try file.read(atDataOffset: 0, count: size)
        try file.close()
        // The first differing byte, not the arrays (a diff of megabytes takes minutes to print).
        #expect(written.count == expected.count)
        #expect(zip(written, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset == nil)
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
