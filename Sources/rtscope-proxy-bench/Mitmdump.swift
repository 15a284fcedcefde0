import Foundation

/// `mitmdump --mode reverse:http://127.0.0.1:UP -w FLOWS` as a child process: the recording proxy
/// users would otherwise pick, measured in the same run as `rtscope record`.
///
/// Limits: listens on 127.0.0.1 only; `start` waits at most `startTimeout` for its port (mitmdump
/// takes a few seconds to start) and throws if it never opens; `stop` sends SIGTERM, waits up to
/// 5 s, then SIGKILL, so the child never outlives the bench (also called from `deinit`).
final class MitmdumpProcess: @unchecked Sendable {  // `stopped` is only touched by `stop`, once
    let process: Process
    let port: Int
    let flows: String
    private var stopped = false

    enum Failure: Error, CustomStringConvertible {
        case notListening(String, seconds: Int)
        var description: String {
            switch self {
            case .notListening(let path, let seconds):
                "\(path) did not listen on 127.0.0.1 within \(seconds) s (is mitmproxy 11 installed? pip install mitmproxy==11.0.2)"
            }
        }
    }

    /// Starts mitmdump in reverse mode in front of `upstreamPort`, writing flows to `flows`.
    /// - Throws: when the executable cannot be started or its port does not open within `startTimeout` s.
    static func start(executable: String, upstreamPort: Int, flows: String, startTimeout: Int = 30) throws
        -> MitmdumpProcess
    {
        let port = Int.random(in: 40_001...60_000)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            executable, "--mode", "reverse:http://127.0.0.1:\(upstreamPort)", "--listen-host", "127.0.0.1",
            "--listen-port", "\(port)", "-w", flows, "-q",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let mitm = MitmdumpProcess(process: process, port: port, flows: flows)
        if process.waitUntilListening(port: port, seconds: Double(startTimeout)) { return mitm }
        mitm.stop()
        throw Failure.notListening(executable, seconds: startTimeout)
    }

    private init(process: Process, port: Int, flows: String) {
        self.process = process
        self.port = port
        self.flows = flows
    }

    deinit { stop() }

    /// The flows file's size in bytes (0 when missing).
    func flowBytes() -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: flows)[.size]) as? Int64) ?? 0
    }

    /// Stops mitmdump (SIGTERM, up to 5 s for it to exit, then SIGKILL) and removes the flows file.
    ///
    /// Runs once; later calls do nothing.
    func stop() {
        guard !stopped else { return }
        stopped = true
        process.stopWithin(seconds: 5)
        try? FileManager.default.removeItem(atPath: flows)
    }

    /// utime + stime of mitmdump, in seconds (0 when it has exited).
    func cpuSeconds() -> Double { ProxyProcess.cpuSeconds(of: "\(process.processIdentifier)") }
}
