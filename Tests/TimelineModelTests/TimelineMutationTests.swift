import Foundation
import Testing

@testable import TimelineModel

/// A small seeded generator (SplitMix64), so every run mutates the same way.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Mutated samples, rendered through the keys a user presses.
///
/// Whatever the bytes, the timeline must draw every screen: a trap is a crash for a user. Bounded: 10 mutants per
/// sample (TIMELINE_MUTANTS=N for a longer local run), fixed seed.
struct TimelineMutationTests {
    static let count = Int(ProcessInfo.processInfo.environment["TIMELINE_MUTANTS"] ?? "") ?? 10
    static let numbers = [
        "-1", "0", "9223372036854775807", "-9223372036854775808", "99999999999999999999", "1e308", "-0.5",
    ]

    static func mutate(_ lines: [String], _ random: inout SeededRandom) -> [String] {
        var lines = lines
        guard lines.count > 2 else { return lines }
        let k = Int.random(in: 1..<lines.count, using: &random)
        switch Int.random(in: 0..<7, using: &random) {
        case 0:  // any t_us
            lines[k] = lines[k].replacingOccurrences(
                of: #""t_us":-?[0-9]+"#, with: "\"t_us\":\(Int64.random(in: .min ... .max, using: &random))",
                options: .regularExpression)
        case 1:  // a number field takes an extreme value
            let value = numbers.randomElement(using: &random) ?? "0"
            lines[k] = lines[k].replacingOccurrences(
                of: #"("(audio_end_ms|content_index|output_index|seq|expires_at)"):-?[0-9]+"#, with: "$1:\(value)",
                options: .regularExpression)
        case 2: lines.remove(at: k)
        case 3: lines.insert(lines[k], at: Int.random(in: 1...lines.count, using: &random))
        case 4: lines.swapAt(k, Int.random(in: 1..<lines.count, using: &random))
        case 5:  // cut mid-line
            lines[k] = String(lines[k].prefix(Int.random(in: 0...lines[k].count, using: &random)))
        default:  // t_us goes back: the tail of the file starts again
            lines += lines[1..<k]
        }
        return lines
    }

    @Test(arguments: Paths.samples)
    func mutantsRenderThroughEveryKey(_ name: String) throws {
        var random = SeededRandom(state: UInt64(name.utf8.count) * 7919)
        let original = try sampleText(name).split(separator: "\n").map(String.init)
        for _ in 0..<Self.count {
            var lines = original
            for _ in 0..<Int.random(in: 1...4, using: &random) { lines = Self.mutate(lines, &random) }
            let path = try temporaryFile(lines.joined(separator: "\n") + "\n")
            defer { unlink(path) }
            let width = [100, 140, 60].randomElement(using: &random) ?? 100
            var m = TimelineModel(source: try TimelineSource.load(path), width: width, height: 30)
            renderAll(&m, keys: "jjjj<tab>jj<tab>crGoOr<space>.,kz/e<enter>nfresp_*<enter>F?<esc>g")
            m.press(.char(" "))
            m.tick(elapsedUs: 5_000_000)
            m.tick(elapsedUs: .max)
            _ = TimelineView.render(m)
        }
    }
}
