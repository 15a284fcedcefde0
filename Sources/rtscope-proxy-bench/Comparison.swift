import Foundation
import RealtimeProxy

/// Direct, `rtscope record` and `mitmdump -w` measured side by side: each round runs the three
/// back to back, so they see the same machine load (this machine's noise is large between rounds).
enum Comparison {
    static func url(port: Int) -> WebSocketURL {
        WebSocketURL(secure: false, host: "127.0.0.1", port: port, target: "/v1/realtime?model=bench")
    }

    /// Per-hop added latency, p50 / p99, of each proxy; `mitmdump` nil measures rtscope alone, and
    /// `floor` (a `SocatRelay`) adds the relay that does no user-space work, in the same rounds.
    ///
    /// With `proxyPID`, also rtscope's CPU time and thread wake-ups per forwarded frame in its rounds.
    static func latency(
        direct: WebSocketURL, rtscope: WebSocketURL, mitmdump: WebSocketURL?, floor: WebSocketURL? = nil,
        sizes: Set<Int>, rounds: Int, proxyPID: Int32? = nil
    ) async throws {
        var header =
            "| frame | round | direct RTT p50 / p99 µs | rtscope RTT p50 / p99 µs | rtscope added per hop p50 / p99 µs |"
        var rule = "| --- | --- | --- | --- | --- |"
        if proxyPID != nil {
            header += " rtscope CPU µs / wake-ups / preemptions per forwarded frame |"
            rule += " --- |"
        }
        if mitmdump != nil {
            header +=
                " mitmdump RTT p50 / p99 µs | mitmdump added per hop p50 / p99 µs | mitmdump / rtscope added p50 / p99 |"
            rule += " --- | --- | --- |"
        }
        if floor != nil {
            header += " socat relay added per hop p50 / p99 µs | rtscope − socat p50 µs |"
            rule += " --- | --- |"
            if mitmdump != nil {
                header += " mitmdump / socat added p50 (best any recorder could show) |"
                rule += " --- |"
            }
        }
        print(header)
        print(rule)
        for (label, size, count) in [("200 B", 200, 5000), ("100 KB", 100_000, 1000)] where sizes.contains(size) {
            var added: [(r50: Double, r99: Double, m50: Double, m99: Double, s50: Double)] = []
            for round in 1...rounds {
                let d = try await Client.rtts(direct, size: size, count: count)
                let before = proxyPID.map { ProcessCounters.read(pid: $0) }
                let p = try await Client.rtts(rtscope, size: size, count: count)
                let after = proxyPID.map { ProcessCounters.read(pid: $0) }
                let (d50, d99) = (d.percentile(50), d.percentile(99))
                let (r50, r99) = ((p.percentile(50) - d50) / 2, (p.percentile(99) - d99) / 2)
                var row =
                    "| \(label) | \(round) | \(f(d50)) / \(f(d99)) | \(f(p.percentile(50))) / \(f(p.percentile(99))) | \(f(r50)) / \(f(r99)) |"
                if let before, let after {
                    // Each echo crosses the proxy twice (warm-up included): two forwarded frames.
                    let per = before.perFrame(until: after, frames: 2 * (count + Client.warmUp))
                    row += String(format: " %.1f / %.2f / %.2f |", per.cpuUs, per.wakeUps, per.preempted)
                }
                var (m50, m99, s50) = (0.0, 0.0, 0.0)
                if let mitmdump {
                    let m = try await Client.rtts(mitmdump, size: size, count: count)
                    (m50, m99) = ((m.percentile(50) - d50) / 2, (m.percentile(99) - d99) / 2)
                    row +=
                        " \(f(m.percentile(50))) / \(f(m.percentile(99))) | \(f(m50)) / \(f(m99)) | \(ratio(m50, r50)) / \(ratio(m99, r99)) |"
                }
                if let floor {
                    let s = try await Client.rtts(floor, size: size, count: count)
                    let s99: Double
                    (s50, s99) = ((s.percentile(50) - d50) / 2, (s.percentile(99) - d99) / 2)
                    row += " \(f(s50)) / \(f(s99)) | \(f(r50 - s50)) |"
                    if mitmdump != nil { row += " \(ratio(m50, s50)) |" }
                }
                added.append((r50, r99, m50, m99, s50))
                print(row)
            }
            if mitmdump != nil || floor != nil {
                let median = {
                    (key: KeyPath<(r50: Double, r99: Double, m50: Double, m99: Double, s50: Double), Double>) in
                    added.map { $0[keyPath: key] }.percentile(50)
                }
                let (r50, r99, m50, m99, s50) = (
                    median(\.r50), median(\.r99), median(\.m50), median(\.m99), median(\.s50)
                )
                var row = "| \(label) | median | | | \(f(r50)) / \(f(r99)) |\(proxyPID == nil ? "" : " |")"
                if mitmdump != nil { row += " | \(f(m50)) / \(f(m99)) | \(ratio(m50, r50)) / \(ratio(m99, r99)) |" }
                if floor != nil {
                    row += " \(f(s50)) | \(f(r50 - s50)) |"
                    if mitmdump != nil { row += " \(ratio(m50, s50)) |" }
                }
                print(row)
            }
        }
    }

    /// Pipelined echo of 200 B frames: frames per second of each, and the ratios.
    static func throughput(direct: WebSocketURL, rtscope: WebSocketURL, mitmdump: WebSocketURL, rounds: Int)
        async throws
    {
        // mitmdump forwards a few thousand frames a second: 20,000 keep a round under a minute.
        let count = 20_000
        print(
            "| frame | round | frames | direct frames/s | rtscope frames/s (of direct) | mitmdump frames/s (of direct) | rtscope / mitmdump |"
        )
        print("| --- | --- | --- | --- | --- | --- | --- |")
        var rates: [(d: Double, r: Double, m: Double)] = []
        for round in 1...rounds {
            let d = try await Client.throughput(direct, size: 200, count: count)
            let r = try await Client.throughput(rtscope, size: 200, count: count)
            let m = try await Client.throughput(mitmdump, size: 200, count: count)
            rates.append((d, r, m))
            print("| 200 B | \(round) | \(count) | \(row(d, r, m)) |")
        }
        let (d, r, m) = (
            rates.map { $0.d }.percentile(50), rates.map { $0.r }.percentile(50), rates.map { $0.m }.percentile(50)
        )
        print("| 200 B | median | | \(row(d, r, m)) |")
    }

    private static func row(_ d: Double, _ r: Double, _ m: Double) -> String {
        "\(Int(d)) | \(Int(r)) (\(percent(r / d))) | \(Int(m)) (\(percent(m / d))) | \(String(format: "%.1f×", r / m))"
    }

    static func f(_ us: Double) -> String { String(format: "%.0f", us) }
    static func percent(_ x: Double) -> String { String(format: "%.0f %%", x * 100) }

    /// `a / b` as "12.3×", or "n/a" when `b` is not above 0.5 µs (within the noise of the direct runs).
    static func ratio(_ a: Double, _ b: Double) -> String {
        b > 0.5 ? String(format: "%.1f×", a / b) : "n/a"
    }
}

/// Ends the whole bench after `seconds`, whatever it is waiting for: `cleanup` stops the children first.
enum Watchdog {
    static func start(seconds: Int, cleanup: @escaping @Sendable () -> Void) {
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(seconds)) {
            FileHandle.standardError.write(
                Data("rtscope-proxy-bench: time limit of \(seconds) s reached; stopping.\n".utf8))
            cleanup()
            exit(2)
        }
    }
}
