import Foundation
import Testing

@testable import RealtimeSession

/// The mix window against a plain in-memory array: any sequence of writes (forward runs, jumps
/// back, chunks longer than the window) leaves the file holding exactly what the array holds.
struct MixWindowTests {
    @Test(arguments: [1, 2, 3, 4, 5])
    func randomWritesEndInTheFileAsInMemory(seed: UInt64) throws {
        var rng = SplitMix(seed: seed)
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

/// A small deterministic generator, so a failing seed can be rerun.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
