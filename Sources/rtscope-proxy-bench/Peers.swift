import Foundation
import NIOCore
import NIOHTTP1
import NIOWebSocket
import RealtimeProxy

/// The benchmark's upstream: answers each client text frame with a server event of the same size.
struct AnsweringUpstream {
    let listener: WebSocketListener<Int>
    var port: Int { listener.port }

    static func start() async throws -> AnsweringUpstream {
        let listener = try await WebSocketListener<Int>.bind(host: "127.0.0.1", port: 0) { _ in
            .accept(0, headers: HTTPHeaders())
        }
        Task {
            try? await listener.run { ws, _, _ in
                try? await ws.executeThenClose { inbound, outbound in
                    var n = 0
                    for try await frame in inbound {
                        if frame.opcode == .connectionClose {
                            try await outbound.write(
                                WebSocketFrame(fin: true, opcode: .connectionClose, data: frame.unmaskedData))
                            return
                        }
                        guard frame.opcode == .text else { continue }
                        n += 1
                        try await outbound.write(
                            WebSocketFrame(
                                fin: true, opcode: .text, data: ByteBuffer(bytes: Event.server(n, size: frame.length))))
                    }
                }
            }
        }
        return AnsweringUpstream(listener: listener)
    }
}

/// Legal Realtime events of a chosen size.
enum Event {
    /// `input_audio_buffer.append` padded with base64 silence to `size` bytes.
    static func client(size: Int) -> [UInt8] {
        let head = #"{"type":"input_audio_buffer.append","audio":""#
        let pad = max(0, size - head.utf8.count - 2) / 4 * 4
        return Array(head.utf8) + [UInt8](repeating: UInt8(ascii: "A"), count: pad) + Array(#""}"#.utf8)
    }

    /// `rate_limits.updated` with event id `n`, padded to about `size` bytes.
    static func server(_ n: Int, size: Int) -> [UInt8] {
        let head = #"{"type":"rate_limits.updated","event_id":"event_\#(n)","rate_limits":[],"pad":""#
        return Array(head.utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: max(0, size - head.utf8.count - 2))
            + Array(#""}"#.utf8)
    }
}

/// `rtscope record --quiet` as a child process.
///
/// `start` returns once its port accepts connections (within 10 s) and throws `NotListening`
/// otherwise, having stopped the child.
final class ProxyProcess: @unchecked Sendable {  // immutable after start
    let process: Process
    let port: Int

    /// Starts the proxy; with `cpu`, pinned to that CPU (through `taskset`).
    ///
    /// `extra` arguments go after the usual ones (the export comparison adds `--otlp URL`).
    static func start(rtscope: String, upstreamPort: Int, outDir: String, cpu: Int?, extra: [String] = []) throws
        -> ProxyProcess
    {
        let port = Int.random(in: 20_000...40_000)
        let process = Process()
        var arguments =
            [
                rtscope, "record", "--upstream", "ws://127.0.0.1:\(upstreamPort)/v1/realtime", "--listen",
                "127.0.0.1:\(port)", "--out", outDir, "--quiet",
            ] + extra
        if let cpu { arguments = ["taskset", "-c", "\(cpu)"] + arguments }
        process.executableURL = URL(fileURLWithPath: cpu == nil ? rtscope : "/usr/bin/env")
        process.arguments = cpu == nil ? Array(arguments.dropFirst()) : arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let proxy = ProxyProcess(process: process, port: port)
        if process.waitUntilListening(port: port, seconds: 10) { return proxy }
        proxy.stop()
        let exited = !process.isRunning && process.terminationReason == .exit ? process.terminationStatus : nil
        throw NotListening(path: rtscope, port: port, exitStatus: exited)
    }

    /// `start` found nothing accepting on the proxy's port: the binary exited, or never listened and was stopped.
    struct NotListening: Error, CustomStringConvertible {
        let path: String
        let port: Int
        /// The child's own exit status; nil when it was still running after 10 s and had to be stopped.
        let exitStatus: Int32?
        var description: String {
            let what =
                exitStatus.map { "exited with status \($0) before accepting connections on 127.0.0.1:\(port)" }
                ?? "did not accept connections on 127.0.0.1:\(port) within 10 s and was stopped"
            return "`\(path) record` \(what) (run it by hand with the same arguments to see why)"
        }
    }

    private init(process: Process, port: Int) {
        self.process = process
        self.port = port
    }

    func stop() { process.stopWithin(seconds: 5) }

    var pid: Int32 { process.processIdentifier }

    /// utime + stime of the proxy, in seconds.
    func cpuSeconds() -> Double { Self.cpuSeconds(of: "\(process.processIdentifier)") }

    /// The proxy's CPU time in seconds: user (utime) and kernel (stime).
    func cpuTimes() -> (user: Double, kernel: Double) { Self.cpuTimes(of: "\(process.processIdentifier)") }

    /// utime + stime of process `pid` ("self" for this one), in seconds.
    static func cpuSeconds(of pid: String) -> Double {
        let times = cpuTimes(of: pid)
        return times.user + times.kernel
    }

    /// utime and stime of process `pid`, in seconds (0 when /proc cannot be read).
    static func cpuTimes(of pid: String) -> (user: Double, kernel: Double) {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return (0, 0) }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        let tick = Double(sysconf(Int32(_SC_CLK_TCK)))
        return ((Double(fields[11]) ?? 0) / tick, (Double(fields[12]) ?? 0) / tick)
    }

    func rssKiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        return Int(line.split(separator: " ")[1]) ?? 0
    }
}

/// The load client.
enum Client {
    static func connect(_ url: WebSocketURL) async throws -> WebSocketChannel {
        guard case .upgraded(let ws, _) = try await UpstreamConnector.connect(url, headers: HTTPHeaders()) else {
            throw CancellationError()
        }
        return ws
    }

    static func frame(_ bytes: [UInt8]) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: ByteBuffer(bytes: bytes))
    }

    /// Frames echoed before the round-trip times are taken.
    static let warmUp = 200

    /// Round-trip times in µs with one frame in flight (after `warmUp` frames).
    static func rtts(_ url: WebSocketURL, size: Int, count: Int, warmUp: Int = Client.warmUp) async throws -> [Double] {
        let ws = try await connect(url)
        let payload = Event.client(size: size)
        return try await ws.executeThenClose { inbound, outbound in
            var it = inbound.makeAsyncIterator()
            var out: [Double] = []
            for i in 0..<(count + warmUp) {
                let start = DispatchTime.now().uptimeNanoseconds
                try await outbound.write(frame(payload))
                _ = try await it.next()
                if i >= warmUp { out.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1000) }
            }
            return out
        }
    }

    /// Echoed frames per second with the sender running ahead of the reader.
    static func throughput(_ url: WebSocketURL, size: Int, count: Int) async throws -> Double {
        let ws = try await connect(url)
        let payload = Event.client(size: size)
        return try await ws.executeThenClose { inbound, outbound in
            let start = DispatchTime.now().uptimeNanoseconds
            let writer = Task {
                for _ in 0..<count { try await outbound.write(frame(payload)) }
            }
            var it = inbound.makeAsyncIterator()
            for _ in 0..<count { _ = try await it.next() }
            try await writer.value
            return Double(count) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
    }

    /// Echoes `count` frames, calling `sample` every tenth of the way.
    static func longRun(_ url: WebSocketURL, size: Int, count: Int, proxy: ProxyProcess) async throws -> [(Int, Int)] {
        let ws = try await connect(url)
        let payload = Event.client(size: size)
        return try await ws.executeThenClose { inbound, outbound in
            var samples: [(Int, Int)] = []
            var it = inbound.makeAsyncIterator()
            let window = 32
            for _ in 0..<window { try await outbound.write(frame(payload)) }
            for i in 1...count {
                _ = try await it.next()
                if i + window <= count { try await outbound.write(frame(payload)) }
                if i % max(1, count / 10) == 0 || i == 1000 { samples.append((i, proxy.rssKiB())) }
            }
            return samples
        }
    }
}

extension Process {
    /// Waits up to `seconds` for something to accept connections on 127.0.0.1:`port`; false when this child exited
    /// first or the time ran out (the caller then stops it).
    func waitUntilListening(port: Int, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline && isRunning {
            if Self.listens(port: port) { return true }
            usleep(50_000)
        }
        return false
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    static func listens(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// SIGTERM, up to `seconds` for the child to exit, then SIGKILL to it and to every process it had
    /// started (a wrapper script's children), and at most 2 s more for Foundation to see it gone.
    ///
    /// Never blocks past that: a child that ignores SIGTERM (or inherited SIG_IGN) must not keep the
    /// bench waiting past its time limit, and on Linux Foundation notices an exit only when every
    /// process holding the child's inherited descriptors has exited, so a grandchild left running
    /// (`sh -c 'sleep 60'`) kept `waitUntilExit` blocked until it ended.
    func stopWithin(seconds: Double) {
        guard isRunning else { return }
        let family = Self.descendants(of: processIdentifier)
        terminate()
        var deadline = Date().addingTimeInterval(seconds)
        while isRunning && Date() < deadline { usleep(50_000) }
        guard isRunning else { return }
        for pid in [processIdentifier] + family { kill(pid, SIGKILL) }
        deadline = Date().addingTimeInterval(2)
        while isRunning && Date() < deadline { usleep(50_000) }
    }

    /// The processes below `root` (children, their children, …), from /proc; empty when it cannot be read.
    static func descendants(of root: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        var parent: [Int32: Int32] = [:]
        for name in entries {
            guard let pid = Int32(name),
                let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let ppid = Int32(fields[1]) { parent[pid] = ppid }
        }
        var found: [Int32] = []
        var frontier: Set<Int32> = [root]
        while !frontier.isEmpty {
            let next = parent.filter { frontier.contains($0.value) && !found.contains($0.key) }.map(\.key)
            found += next
            frontier = Set(next)
        }
        return found
    }
}
