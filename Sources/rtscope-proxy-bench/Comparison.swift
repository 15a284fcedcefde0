import Foundation
import RealtimeProxy

/// Direct, `rtscope record` and `mitmdump -w` measured side by side: each round runs the three
/// back to back, so they see the same machine load (this machine's noise is large between rounds).
enum Comparison {
    static func url(port: Int) -> WebSocketURL {
        WebSocketURL(secure: false, host: "127.0.0.1", port: port, target: "/v1/realtime?model=bench")
    }

    /// A relay measured beside rtscope in the latency rounds.
    struct Relay {
        /// The column's name: "mitmdump", "socat", "socat -r", "NIO relay -w" or a `--compare` build's.
        let name: String
        let url: WebSocketURL
    }

    /// Per-hop added latency, p50 / p99, of rtscope and of each of `others`, run back to back in
    /// every round (so they see the same load), with rtscope's ratios against each: "mitmdump /
    /// rtscope" for a recorder people use, "rtscope − socat" for a floor (a relay with no
    /// user-space work; `socat -r` also writes both directions to files before forwarding, the
    /// floor for any recorder; "NIO relay -w" does the same on a NIO event loop, the floor for a
    /// recorder built like rtscope), and "mitmdump / floor", the best ratio a recorder could show here.
    ///
    /// With `proxyPID`, also rtscope's CPU time and thread wake-ups per forwarded frame in its rounds.
    /// Limits: one frame in flight; per hop is half the RTT difference from the same round's direct
    /// run, so a round's figure can be negative when the direct run was slower. The relays after the
    /// direct run are measured in an order that turns by one each round.
    static func latency(
        direct: WebSocketURL, rtscope: WebSocketURL, others: [Relay], sizes: Set<Int>, rounds: Int,
        proxyPID: Int32? = nil
    ) async throws {
        let mitmdump = others.first { $0.name == "mitmdump" }
        let floors = others.filter { $0.name != "mitmdump" }
        var header = "| frame | round | direct RTT p50 / p99 µs | rtscope added per hop p50 / p99 µs |"
        if proxyPID != nil { header += " rtscope CPU µs / wake-ups / preemptions per forwarded frame |" }
        for relay in others { header += " \(relay.name) added p50 / p99 µs |" }
        if mitmdump != nil { header += " mitmdump / rtscope p50 / p99 |" }
        for floor in floors {
            header += " rtscope − \(floor.name) p50 µs |"
            if mitmdump != nil { header += " mitmdump / \(floor.name) p50 |" }
        }
        print(header)
        print("|" + String(repeating: " --- |", count: header.filter { $0 == "|" }.count - 1))
        for (label, size, count) in [("200 B", 200, 5000), ("100 KB", 100_000, 1000)] where sizes.contains(size) {
            // Per round: rtscope's p50 and p99, then each other relay's, in `others` order.
            var added: [[Double]] = []
            for round in 1...rounds {
                let d = try await Client.rtts(direct, size: size, count: count)
                let (d50, d99) = (d.percentile(50), d.percentile(99))
                // rtscope and the others in an order that turns by one each round, so none is always
                // measured first or last after the direct run (the machine drifts within a round).
                let urls = [rtscope] + others.map(\.url)
                var values = [Double](repeating: 0, count: 2 * urls.count)
                var cells = ""
                for k in urls.indices {
                    let i = (k + round - 1) % urls.count
                    let before = i == 0 ? proxyPID.map { ProcessCounters.read(pid: $0) } : nil
                    let r = try await Client.rtts(urls[i], size: size, count: count)
                    if let before, let pid = proxyPID {
                        // Each echo crosses the proxy twice (warm-up included): two forwarded frames.
                        let per = before.perFrame(
                            until: ProcessCounters.read(pid: pid), frames: 2 * (count + Client.warmUp))
                        cells = String(format: " %.1f / %.2f / %.2f |", per.cpuUs, per.wakeUps, per.preempted)
                    }
                    values[2 * i] = (r.percentile(50) - d50) / 2
                    values[2 * i + 1] = (r.percentile(99) - d99) / 2
                }
                added.append(values)
                print("| \(label) | \(round) | \(f(d50)) / \(f(d99)) | " + row(values, others: others, extra: cells))
            }
            if !others.isEmpty {
                let medians = (0..<added[0].count).map { i in added.map { $0[i] }.percentile(50) }
                print("| \(label) | median | | " + row(medians, others: others, extra: proxyPID == nil ? "" : " |"))
                if let m = others.firstIndex(where: { $0.name == "mitmdump" }) {
                    let tenfold = added.filter { $0[2 + 2 * m] >= 10 * $0[0] }.count
                    print("\nRounds where mitmdump added ≥ 10× rtscope's p50: \(tenfold) of \(rounds).")
                }
            }
        }
    }

    /// A latency row after the direct column: rtscope's p50 / p99, `extra`, each other relay's, then the ratios.
    private static func row(_ v: [Double], others: [Relay], extra: String) -> String {
        var row = "\(f(v[0])) / \(f(v[1])) |" + extra
        for i in others.indices { row += " \(f(v[2 + 2 * i])) / \(f(v[3 + 2 * i])) |" }
        let m = others.firstIndex { $0.name == "mitmdump" }
        if let m { row += " \(ratio(v[2 + 2 * m], v[0])) / \(ratio(v[3 + 2 * m], v[1])) |" }
        for i in others.indices where i != m {
            row += " \(f(v[0] - v[2 + 2 * i])) |"
            if let m { row += " \(ratio(v[2 + 2 * m], v[2 + 2 * i])) |" }
        }
        return row
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

/// Ends the whole bench after `seconds`, or when it is interrupted (SIGINT, SIGTERM), whatever it
/// is waiting for: `cleanup` stops the children first, so no proxy, mitmdump or socat outlives it.
enum Watchdog {
    /// The signal sources, kept alive for the life of the process.
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    static func start(seconds: Int, cleanup: @escaping @Sendable () -> Void) {
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(seconds)) {
            FileHandle.standardError.write(
                Data("rtscope-proxy-bench: time limit of \(seconds) s reached; stopping.\n".utf8))
            cleanup()
            exit(2)
        }
        for signo in [SIGINT, SIGTERM] {
            signal(signo, SIG_IGN)  // delivered to the source below instead
            let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
            source.setEventHandler {
                FileHandle.standardError.write(Data("rtscope-proxy-bench: interrupted; stopping.\n".utf8))
                cleanup()
                exit(130)
            }
            source.resume()
            sources.append(source)
        }
    }
}
