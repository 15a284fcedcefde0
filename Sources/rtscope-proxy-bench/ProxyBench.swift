import Foundation
import NIOCore
import NIOHTTP1
import NIOWebSocket
import RealtimeProxy

/// `rtscope-proxy-bench`: what `rtscope record` adds between a client and its upstream.
///
/// Starts an upstream in this process that answers every client frame with a server event of the
/// same size (`rate_limits.updated` padded, so the recorder's live validator sees legal traffic),
/// runs `rtscope record --quiet` (the binary next to this one) in front of it as a child process,
/// and measures, direct and through the proxy: round-trip times for 200 B and 100 KB frames (one
/// in flight), pipelined throughput, the proxy's CPU time per forwarded frame (from
/// /proc/PID/stat; in the latency rounds also its thread wake-ups per frame, `ProcessCounters`), and its RSS while forwarding at least `--gib` GiB. With mitmdump installed,
/// `mitmdump --mode reverse:… -w FLOWS` runs in the same rounds (`Comparison`, `MitmdumpProcess`),
/// and so do the floors: `socat`, `socat -r` (`SocatRelay`) and a bare NIO relay that records (`NIORelay`).
///
/// Usage: `rtscope-proxy-bench [--rtscope PATH] [--rounds N] [--gib N] [--sizes 200,100000] [--proxy-cpu N]`.
/// `--otlp ok,slow,unreachable` adds `ExportComparison` (needs a binary built with `--traits OTLP`).
/// Build with `-c release`. By default client, upstream and proxy share every core; to give the
/// proxy a core of its own, run `taskset -c 0 rtscope-proxy-bench --proxy-cpu 1` (the client and
/// upstream then share CPU 0, for the direct and the proxied runs alike).
@main
struct ProxyBench {
    static let usage =
        "usage: rtscope-proxy-bench [--rtscope PATH] [--rounds N] [--gib N] [--sizes 200,100000] [--proxy-cpu N]\n"
        + "                           [--mitmdump PATH | --no-mitmdump] [--time-limit SECONDS] [--otlp ok,slow,unreachable]\n"
        + "                           [--no-socat] [--no-nio-relay] [--compare NAME=PATH]... [--latency-only]\n"
        + "Starts an echoing upstream and `rtscope record` in front of it on loopback, and measures added latency,\n"
        + "throughput, CPU per frame and RSS while N GiB pass through (--gib 0 skips that). With mitmdump on the\n"
        + "PATH (or --mitmdump PATH), `mitmdump --mode reverse:... -w FLOWS` is measured in the same rounds.\n"
        + "With socat installed, a plain TCP relay (the floor of one added hop) and `socat -r/-R`, which also writes\n"
        + "both directions to files before forwarding (the floor for a recorder), are measured in the latency rounds,\n"
        + "with a bare NIO relay that also writes what it reads to a file before forwarding it (the floor for a\n"
        + "recorder built on NIO; --no-nio-relay leaves it out).\n"
        + "--compare NAME=PATH measures another `rtscope` binary (or a script that execs one) in the same latency\n"
        + "rounds, as column NAME (repeatable: builds before and after a change, side by side). --latency-only\n"
        + "stops after the latency rounds.\n"
        + "--otlp also runs `record --otlp` against a collector that answers, one that answers after 2 s and/or a\n"
        + "closed port, with short sessions closing during the measurement (the binary needs --traits OTLP).\n"
        + "The whole run stops after --time-limit seconds (default 1800). Takes several minutes.\n"
        + "Exit status: 0 done, 1 stopped by an error (one line on stderr, e.g. the proxy never listened),\n"
        + "2 time limit reached, 64 bad arguments, 130 interrupted.\n"

    static func main() async {
        NIORelay.runChildIfAsked()  // this binary is also the bench's NIO relay (`NIORelay`)
        LineRelay.runChildIfAsked()  // and its WebSocket line relay (`LineRelay`)
        var args = Array(CommandLine.arguments.dropFirst())
        if args.contains("--help") || args.contains("-h") {
            print(usage, terminator: "")
            return
        }
        func option(_ name: String, _ fallback: String) -> String {
            guard let i = args.firstIndex(of: name), i + 1 < args.count else { return fallback }
            defer { args.removeSubrange(i...(i + 1)) }
            return args[i + 1]
        }
        let here = URL(fileURLWithPath: ownExecutable).deletingLastPathComponent()
        let rtscope = option("--rtscope", here.appendingPathComponent("rtscope").path)
        let rounds = Int(option("--rounds", "3")) ?? 3
        let gib = Double(option("--gib", "1")) ?? 1
        let sizes = Set(option("--sizes", "200,100000").split(separator: ",").compactMap { Int($0) })
        let proxyCPU = Int(option("--proxy-cpu", ""))
        let mitmPath = option("--mitmdump", "mitmdump")
        let timeLimit = Int(option("--time-limit", "1800")) ?? 1800
        let otlpKinds = option("--otlp", "").split(separator: ",").map(String.init)
        var compare: [(name: String, path: String)] = []
        while let i = args.firstIndex(of: "--compare"), i + 1 < args.count {
            let spec = args[i + 1]
            args.removeSubrange(i...(i + 1))
            guard let eq = spec.firstIndex(of: "="), eq != spec.startIndex, spec.index(after: eq) != spec.endIndex
            else {
                FileHandle.standardError.write(
                    Data("rtscope-proxy-bench: --compare takes NAME=PATH, not \(spec).\n".utf8))
                exit(64)
            }
            compare.append((String(spec[..<eq]), String(spec[spec.index(after: eq)...])))
        }
        let latencyOnly = args.contains("--latency-only")
        let noMitm = args.contains("--no-mitmdump")
        let noFloor = args.contains("--no-socat")
        let noNIORelay = args.contains("--no-nio-relay")
        args.removeAll { ["--no-mitmdump", "--no-socat", "--no-nio-relay", "--latency-only"].contains($0) }
        guard args.isEmpty, otlpKinds.allSatisfy({ ["ok", "slow", "unreachable"].contains($0) }) else {
            let bad = args.first.map { "unknown argument \($0)" } ?? "--otlp takes ok, slow and unreachable"
            FileHandle.standardError.write(Data("rtscope-proxy-bench: \(bad).\n\(usage)".utf8))
            exit(64)
        }

        for (option, path) in [("--rtscope", rtscope)] + compare.map({ ("--compare", $0.path) })
        where !FileManager.default.isExecutableFile(atPath: path) {
            FileHandle.standardError.write(Data("rtscope-proxy-bench: no executable at \(path) (\(option)).\n".utf8))
            exit(64)
        }
        do {
            try await run(
                rtscope: rtscope, rounds: rounds, gib: gib, sizes: sizes, proxyCPU: proxyCPU, mitmPath: mitmPath,
                noMitm: noMitm, noFloor: noFloor, noNIORelay: noNIORelay, timeLimit: timeLimit, otlpKinds: otlpKinds,
                compare: compare, latencyOnly: latencyOnly)
        } catch {
            // One sentence, not a backtrace: the children are stopped by `run`'s defers before this.
            let text = "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
            FileHandle.standardError.write(Data("rtscope-proxy-bench: stopped: \(text).\n".utf8))
            exit(1)
        }
    }

    /// The measurement itself; every child it starts is stopped when it returns or throws.
    static func run(
        rtscope: String, rounds: Int, gib: Double, sizes: Set<Int>, proxyCPU: Int?, mitmPath: String, noMitm: Bool,
        noFloor: Bool, noNIORelay: Bool, timeLimit: Int, otlpKinds: [String], compare: [(name: String, path: String)],
        latencyOnly: Bool
    ) async throws {
        let upstream = try await AnsweringUpstream.start()
        let outDir = NSTemporaryDirectory() + "rtscope-proxy-bench-\(getpid())"
        let proxy = try ProxyProcess.start(
            rtscope: rtscope, upstreamPort: upstream.port, outDir: outDir, cpu: proxyCPU)
        defer {
            proxy.stop()
            try? FileManager.default.removeItem(atPath: outDir)
        }
        // mitmdump in the same run, when installed: loopback only, killed at the end and by the watchdog.
        var mitm: MitmdumpProcess?
        if !noMitm {
            do {
                mitm = try MitmdumpProcess.start(
                    executable: mitmPath, upstreamPort: upstream.port, flows: outDir + "-mitm.flows")
            } catch {
                print("mitmdump not measured: \(error)")
            }
        }
        defer { mitm?.stop() }
        let floor = noFloor ? nil : SocatRelay.start(upstreamPort: upstream.port)
        defer { floor?.stop() }
        let dumpDir = outDir + "-floors"  // what socat -r and the NIO relay write
        try? FileManager.default.createDirectory(atPath: dumpDir, withIntermediateDirectories: true)
        let recordingFloor = noFloor ? nil : SocatRelay.start(upstreamPort: upstream.port, dumpDir: dumpDir)
        defer {
            recordingFloor?.stop()
            try? FileManager.default.removeItem(atPath: dumpDir)
        }
        let nioRelay = noNIORelay ? nil : NIORelay.start(upstreamPort: upstream.port, dump: dumpDir + "/nio-relay.bin")
        defer { nioRelay?.stop() }  // before `dumpDir` is removed (defers run last first)
        let lineRelay = noNIORelay ? nil : LineRelay.start(upstreamPort: upstream.port, path: dumpDir + "/line-relay")
        defer { lineRelay?.stop() }
        // Other rtscope builds, each recording into a directory of its own.
        var compared: [(name: String, proxy: ProxyProcess)] = []
        defer { for (_, other) in compared { other.stop() } }
        for (i, (name, path)) in compare.enumerated() {
            let other = try ProxyProcess.start(
                rtscope: path, upstreamPort: upstream.port, outDir: outDir + "-compare-\(i)", cpu: proxyCPU)
            compared.append((name, other))
        }
        defer { for i in compare.indices { try? FileManager.default.removeItem(atPath: outDir + "-compare-\(i)") } }
        Watchdog.start(seconds: timeLimit) { [mitm, floor, recordingFloor, nioRelay, lineRelay, compared] in
            lineRelay?.stop()
            for (_, other) in compared { other.stop() }
            mitm?.stop()
            floor?.stop()
            recordingFloor?.stop()
            nioRelay?.stop()
            proxy.stop()
            for dir in [outDir, dumpDir] + compare.indices.map({ outDir + "-compare-\($0)" }) {
                try? FileManager.default.removeItem(atPath: dir)
            }
        }
        let direct = WebSocketURL(secure: false, host: "127.0.0.1", port: upstream.port, target: "/v1/realtime")
        let proxied = WebSocketURL(
            secure: false, host: "127.0.0.1", port: proxy.port, target: "/v1/realtime?model=bench")

        print("# rtscope record: proxy benchmark")
        let allowed = Self.allowedCPUs()
        if let proxyCPU {
            print("client and upstream on CPUs \(allowed); proxy pinned to CPU \(proxyCPU); loopback")
        } else {
            print("client, proxy and upstream share CPUs \(allowed); loopback")
        }
        print("recording on (one JSONL line per frame, written before forwarding), live validation on")
        if let mitm { print("mitmdump \(mitmPath) on port \(mitm.port), writing flows (-w) in the same rounds") }
        if let floor { print("socat TCP relay on port \(floor.port) (no user-space work: the floor of one added hop)") }
        if let recordingFloor {
            print(
                "socat -r/-R relay on port \(recordingFloor.port) (writes what it reads to a file, then forwards it: the floor for a recorder)"
            )
        }
        if let lineRelay {
            print(
                "WS line relay on port \(lineRelay.port) (NIO event loop, finds each WebSocket frame in what it reads, writes its recording line, forwards its bytes unchanged: rtscope's forwarding-path work without a frame codec or live analysis)"
            )
        }
        if let nioRelay {
            print(
                "NIO relay -w on port \(nioRelay.port) (NIO event loop, writes each read to a file, then forwards it: the floor for a recorder on NIO)"
            )
        }
        print("\n## Added latency per hop (one frame in flight; RTT crosses the proxy twice, so per hop = ΔRTT / 2)\n")
        let others: [Comparison.Relay] =
            [
                mitm.map { Comparison.Relay(name: "mitmdump", url: Comparison.url(port: $0.port)) },
                floor.map { Comparison.Relay(name: "socat", url: Comparison.url(port: $0.port)) },
                recordingFloor.map { Comparison.Relay(name: "socat -r", url: Comparison.url(port: $0.port)) },
                nioRelay.map { Comparison.Relay(name: "NIO relay -w", url: Comparison.url(port: $0.port)) },
                lineRelay.map { Comparison.Relay(name: "WS line relay", url: Comparison.url(port: $0.port)) },
            ].compactMap { $0 }
            + compared.map { Comparison.Relay(name: $0.name, url: Comparison.url(port: $0.proxy.port)) }
        try await Comparison.latency(
            direct: direct, rtscope: proxied, others: others, sizes: sizes, rounds: rounds, proxyPID: proxy.pid)
        for (_, other) in compared { other.stop() }  // out of the way of the throughput rounds
        guard !latencyOnly else { return }
        print("\n## Throughput (pipelined echo) and proxy CPU per forwarded frame\n")
        print(
            "| frame | round | frames | direct frames/s | proxied frames/s | proxied / direct | proxied MB/s (each way) | proxy CPU µs per forwarded frame (kernel share) | client + upstream CPU µs per direct echo |"
        )
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for (label, size, count) in [("200 B", 200, 100_000), ("100 KB", 100_000, 4000)] where sizes.contains(size) {
            var directRates: [Double] = []
            var proxiedRates: [Double] = []
            for round in 1...rounds {
                let ownBefore = ProxyProcess.cpuSeconds(of: "self")
                let d = try await Client.throughput(direct, size: size, count: count)
                let ownPerEcho = (ProxyProcess.cpuSeconds(of: "self") - ownBefore) / Double(count) * 1e6
                let before = proxy.cpuTimes()
                let p = try await Client.throughput(proxied, size: size, count: count)
                let after = proxy.cpuTimes()
                let cpu = (after.user - before.user) + (after.kernel - before.kernel)
                let kernelShare = cpu > 0 ? (after.kernel - before.kernel) / cpu * 100 : 0
                let perFrame = cpu / Double(count * 2) * 1e6
                directRates.append(d)
                proxiedRates.append(p)
                print(
                    "| \(label) | \(round) | \(count) | \(Int(d)) | \(Int(p)) | \(String(format: "%.0f %%", p / d * 100)) | \(String(format: "%.1f", p * Double(size) / 1e6)) | \(String(format: "%.1f (%.0f %%)", perFrame, kernelShare)) | \(String(format: "%.1f", ownPerEcho)) |"
                )
            }
            // Single rounds swing with this machine's noise (direct runs differ by half between
            // rounds); the medians over the rounds are the figure to compare with the target.
            let (dm, pm) = (directRates.percentile(50), proxiedRates.percentile(50))
            print(
                "| \(label) | median | | \(Int(dm)) | \(Int(pm)) | \(String(format: "%.0f %%", pm / dm * 100)) | \(String(format: "%.1f", pm * Double(size) / 1e6)) | | |"
            )
        }
        if !otlpKinds.isEmpty {
            try await ExportComparison.run(
                kinds: otlpKinds,
                setup: .init(rtscope: rtscope, upstreamPort: upstream.port, outDir: outDir, cpu: proxyCPU),
                direct: direct, plain: proxied, sizes: sizes, rounds: rounds)
        }
        if let mitm {
            print("\n## Pipelined 200 B throughput: direct, rtscope record, mitmdump -w (same rounds)\n")
            try await Comparison.throughput(
                direct: direct, rtscope: proxied, mitmdump: Comparison.url(port: mitm.port), rounds: rounds)
            print("\nmitmdump flows written: \(mitm.flowBytes()) bytes (flows are written when a connection ends)")
            mitm.stop()
        }
        guard gib > 0 else { return }
        print("\n## Memory over a long run (100 KB frames through the proxy, both ways)\n")
        let frames = Int(gib * Double(1 << 30) / 100_000)
        let samples = try await Client.longRun(proxied, size: 100_000, count: frames, proxy: proxy)
        print("| frames echoed | forwarded by the proxy | proxy RSS |")
        print("| --- | --- | --- |")
        for (sent, rss) in samples {
            print(
                "| \(sent) | \(String(format: "%.2f GiB", Double(sent) * 2 * 100_000 / Double(1 << 30))) | \(rss / 1024) MiB |"
            )
        }
        print("\nrecordings written: \(String(format: "%.2f GiB", Double(directorySize(outDir)) / Double(1 << 30)))")
    }

    static func f(_ us: Double) -> String { String(format: "%.0f", us) }

    /// This binary's path (/proc/self/exe), also when it was started through PATH, where `argv[0]` is a bare name.
    static var ownExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// This process's CPUs, as /proc/self/status lists them.
    static func allowedCPUs() -> String {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") }
        return line.map { $0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces) } ?? "?"
    }

    static func directorySize(_ dir: String) -> Int64 {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return files.reduce(0) {
            $0 + ((try? FileManager.default.attributesOfItem(atPath: dir + "/" + $1)[.size] as? Int64) ?? 0)
        }
    }
}

extension Array where Element == Double {
    func percentile(_ p: Double) -> Double {
        guard !isEmpty else { return 0 }
        let sorted = self.sorted()
        return sorted[Swift.min(sorted.count - 1, Int(Double(sorted.count) * p / 100))]
    }
}
