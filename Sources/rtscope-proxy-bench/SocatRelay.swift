import Foundation

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
/// are left out. Loopback only; `stop` kills it (also from `deinit`), so it never outlives the bench.
final class SocatRelay: @unchecked Sendable {  // `stopped` is only touched by `stop`, once
    let process: Process
    let port: Int
    private var stopped = false

    /// Starts the relay (dumping both directions into `dumpDir` when given), or returns nil when
    /// socat is not installed or its port never opens (5 s).
    static func start(upstreamPort: Int, dumpDir: String? = nil) -> SocatRelay? {
        guard let socat = ["/usr/bin/socat", "/usr/local/bin/socat"].first(where: FileManager.default.isExecutableFile)
        else { return nil }
        let port = Int.random(in: 60_001...64_000)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: socat)
        let dump = dumpDir.map { ["-r", $0 + "/client-to-server.bin", "-R", $0 + "/server-to-client.bin"] } ?? []
        process.arguments =
            dump + [
                "TCP-LISTEN:\(port),bind=127.0.0.1,reuseaddr,fork,nodelay", "TCP:127.0.0.1:\(upstreamPort),nodelay",
            ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let relay = SocatRelay(process: process, port: port)
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline, process.isRunning {
            if MitmdumpProcess.listens(port: port) { return relay }
            usleep(50_000)
        }
        relay.stop()
        return nil
    }

    private init(process: Process, port: Int) {
        self.process = process
        self.port = port
    }

    deinit { stop() }

    /// Stops socat and its per-connection children (they exit when their connections close).
    func stop() {
        guard !stopped else { return }
        stopped = true
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
