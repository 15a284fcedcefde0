import Foundation
import NIOCore
import RealtimeProxy

/// `--otlp ok,slow,unreachable` measures whether `record --otlp` adds latency to what it forwards.
///
/// For each collector kind a second `rtscope record` runs with `--otlp` pointed at it: `ok` is a
/// `CollectorSink` that answers at once, `slow` one that answers after 2 s, `unreachable` a closed
/// loopback port. Each round measures, back to back so they see the same load: direct RTTs, the
/// plain proxy's and the exporting proxy's, while a churn task keeps opening and closing short
/// sessions (50 echoed 200 B frames each) on the proxy being measured, so the exporting proxy is
/// reading back and exporting closed recordings during the measurement (far more sessions per
/// second than real traffic has). The proxy binary must be built with `--traits OTLP`; one without
/// it exits at once, which is reported and the comparison skipped. Loopback only; every child
/// stops with the bench.
enum ExportComparison {
    struct Setup {
        let rtscope: String
        let upstreamPort: Int
        let outDir: String
        let cpu: Int?
    }

    static func run(
        kinds: [String], setup: Setup, direct: WebSocketURL, plain: WebSocketURL, sizes: Set<Int>, rounds: Int
    ) async throws {
        print(
            "\n## Added latency with OTLP export on (record --otlp), churning short sessions during each measurement\n")
        print(
            "| collector | frame | round | direct RTT p50 / p99 µs | rtscope added per hop p50 / p99 µs | rtscope --otlp added per hop p50 / p99 µs | --otlp − plain p50 / p99 µs | sessions closed during --otlp run | collector requests / KB |"
        )
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for kind in kinds {
            let sink: CollectorSink? =
                kind == "unreachable" ? nil : try await CollectorSink.start(delay: .seconds(kind == "slow" ? 2 : 0))
            defer { sink?.stop() }
            let port = try sink?.port ?? CollectorSink.closedPort()
            defer { try? FileManager.default.removeItem(atPath: setup.outDir + "-otlp-\(kind)") }
            let proxy: ProxyProcess
            do {
                proxy = try ProxyProcess.start(
                    rtscope: setup.rtscope, upstreamPort: setup.upstreamPort, outDir: setup.outDir + "-otlp-\(kind)",
                    cpu: setup.cpu, extra: ["--otlp", "http://127.0.0.1:\(port)"])
            } catch let failure as ProxyProcess.NotListening {
                // Without the OTLP trait `record --otlp` is a usage error: say so in the table, as the row it would fill.
                print("| \(kind) | | | \(failure); is it built with --traits OTLP? | | | | | |")
                return
            }
            defer { proxy.stop() }
            let exporting = WebSocketURL(
                secure: false, host: "127.0.0.1", port: proxy.port, target: "/v1/realtime?model=bench")
            for (label, size, count) in [("200 B", 200, 5000), ("100 KB", 100_000, 1000)] where sizes.contains(size) {
                var deltas: [(Double, Double)] = []
                for round in 1...rounds {
                    let d = try await Client.rtts(direct, size: size, count: count)
                    let p = try await withChurn(on: plain) { try await Client.rtts(plain, size: size, count: count) }
                    let e = try await withChurn(on: exporting) {
                        try await Client.rtts(exporting, size: size, count: count)
                    }
                    let (d50, d99) = (d.percentile(50), d.percentile(99))
                    let plainAdded = ((p.value.percentile(50) - d50) / 2, (p.value.percentile(99) - d99) / 2)
                    let exportAdded = ((e.value.percentile(50) - d50) / 2, (e.value.percentile(99) - d99) / 2)
                    let delta = (exportAdded.0 - plainAdded.0, exportAdded.1 - plainAdded.1)
                    deltas.append(delta)
                    let got = sink?.received ?? (0, 0)
                    print(
                        "| \(kind) | \(label) | \(round) | \(f(d50)) / \(f(d99)) | \(f(plainAdded.0)) / \(f(plainAdded.1)) | \(f(exportAdded.0)) / \(f(exportAdded.1)) | \(f(delta.0)) / \(f(delta.1)) | \(e.sessions) | \(sink == nil ? "none (closed port)" : "\(got.0) / \(got.1 / 1024)") |"
                    )
                }
                print(
                    "| \(kind) | \(label) | median | | | | \(f(deltas.map { $0.0 }.percentile(50))) / \(f(deltas.map { $0.1 }.percentile(50))) | | |"
                )
            }
        }
    }

    /// Runs `body` while a task opens, uses and closes short sessions on `url`; returns both results.
    static func withChurn<T: Sendable>(
        on url: WebSocketURL, _ body: @Sendable () async throws -> T
    ) async throws -> (value: T, sessions: Int) {
        let churn = Task { () -> Int in
            var sessions = 0
            while !Task.isCancelled {
                guard (try? await Client.rtts(url, size: 200, count: 50, warmUp: 0)) != nil else { break }
                sessions += 1
            }
            return sessions
        }
        let value = try await body()
        churn.cancel()
        return (value, await churn.value)
    }

    static func f(_ us: Double) -> String { String(format: "%.0f", us) }
}
