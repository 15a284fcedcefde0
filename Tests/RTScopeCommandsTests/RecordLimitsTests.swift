import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `rtscope record` at the file-descriptor limit: a child process under `ulimit -n 64`, flooded
/// with idle loopback connections (bounded: 100 sockets, a few seconds, then SIGTERM).
@Suite(.serialized)
struct RecordLimitsTests {
    @Test func atTheDescriptorLimitTheAcceptLoopNeitherSpinsNorLeavesClientsHanging() throws {
        let out = CLI.temporaryPath("emfile")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [
            "-c",
            "ulimit -n 64; exec \"$0\" record --upstream ws://127.0.0.1:9/v1/realtime --listen 127.0.0.1:0 "
                + "--out \"$1\" --quiet --handshake-timeout 60",
            CLI.binary.path, out,
        ]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { Self.stop(process) }
        // The first line names the port: "rtscope record: listening on http://127.0.0.1:PORT → …".
        let line = Self.read(stdout, until: "\n")
        let portText = try #require(line.split(separator: "127.0.0.1:").dropFirst().first?.prefix { $0.isNumber })
        let port = try #require(UInt16(portText))
        var idle: [Int32] = []
        defer { for fd in idle { close(fd) } }
        for _ in 0..<100 {
            guard let fd = Self.connect(port) else { break }
            idle.append(fd)
        }
        Thread.sleep(forTimeInterval: 0.5)
        let before = try Self.cpuSeconds(process.processIdentifier)
        Thread.sleep(forTimeInterval: 2)
        let used = try Self.cpuSeconds(process.processIdentifier) - before
        #expect(used < 0.5, "the recorder used \(used) s of CPU in 2 s while out of descriptors")
        // A new client is answered or closed at once, not left to time out.
        let fd = try #require(Self.connect(port))
        defer { close(fd) }
        _ = "GET /v1/realtime HTTP/1.1\r\nHost: x\r\n\r\n".withCString { write(fd, $0, strlen($0)) }
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        #expect(poll(&p, 1, 5000) == 1, "a new client got no answer within 5 s")
    }

    @Test func anUnreachableUpstreamIsPrintedWhenItHappensAsAConnectFailure() throws {
        let out = CLI.temporaryPath("unreachable")
        defer { try? FileManager.default.removeItem(atPath: out) }
        // A loopback port nothing listens on: bound, then closed.
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(probe, $0, length)
                return getsockname(probe, $0, &length)
            }
        }
        close(probe)
        let closedPort = UInt16(bigEndian: address.sin_port)
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = [
            "record", "--upstream", "ws://127.0.0.1:\(closedPort)/v1/realtime", "--listen", "127.0.0.1:0", "--out", out,
        ]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { Self.stop(process) }
        let line = Self.read(stdout, until: "\n")
        let portText = try #require(line.split(separator: "127.0.0.1:").dropFirst().first?.prefix { $0.isNumber })
        let port = try #require(UInt16(portText))
        let fd = try #require(Self.connect(port))
        let request =
            "GET /v1/realtime HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        _ = request.withCString { write(fd, $0, strlen($0)) }
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        _ = poll(&p, 1, 10_000)  // the 502
        close(fd)
        var console = line + Self.read(stdout, until: "REFUSED")
        process.terminate()
        console += Self.read(stdout, until: "connection(s)")  // the closing summary
        let lines = console.split(separator: "\n")
        let refused = try #require(lines.firstIndex { $0.contains("REFUSED could not connect to the upstream") })
        let shutdown = try #require(lines.firstIndex { $0.contains("shutting down") })
        #expect(refused < shutdown, "printed when it happened, before the Ctrl-C summary")
        #expect(lines[refused].contains("connection refused"))
        #expect(!console.contains("refused by the upstream"))
    }

    @Test func aSIGTERMRightAfterTheListeningLineStopsTheRecorder() throws {
        for _ in 0..<5 {
            let out = CLI.temporaryPath("sigterm")
            defer { try? FileManager.default.removeItem(atPath: out) }
            let process = Process()
            process.executableURL = CLI.binary
            process.arguments = [
                "record", "--upstream", "ws://127.0.0.1:9/v1/realtime", "--listen", "127.0.0.1:0", "--out", out,
            ]
            let stdout = Pipe()
            process.standardOutput = stdout
            process.standardError = FileHandle.nullDevice
            try process.run()
            _ = Self.read(stdout, until: "listening on")
            process.terminate()
            for _ in 0..<100 where process.isRunning { Thread.sleep(forTimeInterval: 0.05) }
            let stopped = !process.isRunning
            Self.stop(process)
            #expect(stopped, "the recorder ignored a SIGTERM sent right after it said it was listening")
            #expect(process.terminationStatus == 0)
        }
    }

    /// What `pipe` delivers until `marker` has been read, the pipe ends, or 10 s pass.
    static func read(_ pipe: Pipe, until marker: String) -> String {
        let fd = pipe.fileHandleForReading.fileDescriptor
        var text = ""
        let deadline = Date().addingTimeInterval(10)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !text.contains(marker), Date() < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 100) >= 0 else { break }
            guard p.revents != 0 else { continue }
            let count = Glibc.read(fd, &buffer, buffer.count)
            guard count > 0 else { break }
            text += String(decoding: buffer[..<count], as: UTF8.self)
        }
        return text
    }

    /// SIGTERM, then SIGKILL if the process is still there after 10 s (a test never hangs on it).
    static func stop(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        for _ in 0..<100 where process.isRunning { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// A blocking loopback connect that gives up after a second (a full backlog).
    static func connect(_ port: UInt16) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(port.bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if connected == 0 { return fd }
        close(fd)
        return nil
    }

    /// User plus system CPU time of a process, from /proc.
    static func cpuSeconds(_ pid: Int32) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
        let ticks =
            (Double(fields.count > 12 ? fields[11] : "0") ?? 0) + (Double(fields.count > 12 ? fields[12] : "0") ?? 0)
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
