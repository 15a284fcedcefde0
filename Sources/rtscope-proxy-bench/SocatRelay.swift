import Foundation

/// A relay the bench runs as a child process beside rtscope: its port, and `stop`.
///
/// Loopback only; `stop` sends SIGTERM, then SIGKILL after 2 s, to it and to what it started (also from `deinit`),
/// so it never outlives the bench.
final class ChildRelay: @unchecked Sendable {  // `stopped` is only touched by `stop`, once
    let process: Process
    let port: Int
    private var stopped = false

    /// This bench binary started again as the relay child `flag`: `(upstream port, port, path)` from
    /// `CommandLine.arguments` (`[binary, flag, UPSTREAM_PORT, PORT, PATH]`), or nil when it was not.
    static func childArguments(_ flag: String) -> (upstream: Int, port: Int, path: String)? {
        let args = CommandLine.arguments
        guard args.count == 5, args[1] == flag, let upstream = Int(args[2]), let port = Int(args[3]) else { return nil }
        return (upstream, port, args[4])
    }

    /// Runs `executable` with `arguments` and waits (5 s) for it to listen on `port`; nil when it cannot be started
    /// or never listens.
    static func start(executable: String, arguments: [String], port: Int) -> ChildRelay? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let relay = ChildRelay(process: process, port: port)
        if process.waitUntilListening(port: port, seconds: 5) { return relay }
        relay.stop()
        return nil
    }

    private init(process: Process, port: Int) {
        self.process = process
        self.port = port
    }

    deinit { stop() }

    func stop() {
        guard !stopped else { return }
        stopped = true
        process.stopWithin(seconds: 2)
    }
}

/// `socat` as a plain TCP relay in front of the upstream: the floor for added latency.
///
/// A relay that does no user-space work per frame (no WebSocket framing, no JSON, no recording)
/// still adds one loopback hop each way: the kernel copies, the wake-ups and the scheduling. No
/// proxy in this layout, rtscope or mitmdump, can add less, so the comparison prints it in the
/// same rounds, and "mitmdump / socat" is the best ratio to mitmdump that any relay could show
/// here. With a dump directory it runs as `socat -r FILE -R FILE`, which writes each chunk it reads
/// to a file before forwarding it (one `write(2)` to the file, then one to the other socket, as
/// `rtscope record` writes its line before the frame): the floor for any recorder that keeps
/// rtscope's guarantee. Found at /usr/bin or /usr/local/bin (Debian's `socat`); absent, the columns
/// are left out. Its per-connection children exit when their connections close.
enum SocatRelay {
    /// Starts the relay (dumping both directions into `dumpDir` when given), or returns nil when
    /// socat is not installed or its port never opens (5 s).
    static func start(upstreamPort: Int, dumpDir: String? = nil) -> ChildRelay? {
        guard let socat = ["/usr/bin/socat", "/usr/local/bin/socat"].first(where: FileManager.default.isExecutableFile)
        else { return nil }
        let port = Int.random(in: 60_001...64_000)
        let dump = dumpDir.map { ["-r", $0 + "/client-to-server.bin", "-R", $0 + "/server-to-client.bin"] } ?? []
        return ChildRelay.start(
            executable: socat,
            arguments: dump + [
                "TCP-LISTEN:\(port),bind=127.0.0.1,reuseaddr,fork,nodelay", "TCP:127.0.0.1:\(upstreamPort),nodelay",
            ], port: port)
    }
}
