import RealtimeProtocol
import RealtimeRecording
import RealtimeValidation

extension TimelineSource {
    /// The ruler column of entry `i` for a screen `width` columns wide: where its `t_us` lies between the smallest
    /// and the largest in the file, always in `0..<max(1, width)`.
    ///
    /// `t_us` can go back (concatenated recordings) and be anything from `Int64.min` to `Int64.max`, so the
    /// arithmetic is in `Double` (no overflow) and the result is clamped.
    public func rulerColumn(_ i: Int, width: Int) -> Int {
        guard let range = timeRange, width > 1 else { return 0 }
        let span = Double(range.upperBound) - Double(range.lowerBound)
        guard span > 0 else { return 0 }
        let fraction = (Double(index.entries[i].tUs) - Double(range.lowerBound)) / span
        guard fraction.isFinite else { return 0 }
        return Int((min(1, max(0, fraction)) * Double(width - 1)).rounded(.down))
    }

    /// The ruler's marks for `width` columns (cached per width): findings win over active
    /// responses, which win over input audio.
    public func ruler(width: Int) -> [Character] {
        if let cached = rulerCache, cached.width == width { return cached.marks }
        let width = max(1, width)
        var rank = [Int](repeating: 0, count: width)  // 0 · , 1 ▁, 2 ━, 3 ▲, 4 ✖
        let symbols: [Character] = ["·", "▁", "━", "▲", "✖"]
        var spans: [Int32: (Int, Int)] = [:]
        for i in index.entries.indices {
            let x = rulerColumn(i, width: width)
            let entry = index.entries[i]
            if entry.responseID >= 0 {
                let span = spans[entry.responseID] ?? (x, x)
                spans[entry.responseID] = (min(span.0, x), max(span.1, x))
            }
            if family(i) == .inputAudio { rank[x] = max(rank[x], 1) }
            switch severity(i) {
            case .error?: rank[x] = 4
            case .warning?: rank[x] = max(rank[x], 3)
            default: break
            }
        }
        for (from, to) in spans.values { for x in from...to { rank[x] = max(rank[x], 2) } }
        let marks = rank.map { symbols[$0] }
        rulerCache = (width, marks)
        return marks
    }
}
