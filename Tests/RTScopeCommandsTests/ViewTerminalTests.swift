import Foundation
import Testing

/// The real terminal UI under tmux: keys in with send-keys, the screen out with capture-pane.
///
/// The tmux server runs undaemonized (`-D`) on a private socket, started as a shell background job: on this machine a
/// daemonizing server exits at once, and an undaemonized one started directly by another program (Foundation's Process,
/// Python's subprocess) drops send-keys input, while one started by `sh -c '… &'` works. The private socket keeps the
/// test away from a user's tmux.
@Suite(.serialized)  // one private tmux server at a time
struct ViewTerminalTests {
    static let socket = "rtscope-test-\(getpid())"

    static func tmux(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tmux", "-L", socket, "-f", "/dev/null"] + arguments
        let out = Pipe()
        process.standardOutput = out
        let err = Pipe()
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile() + err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Polls the pane until `text` shows up (or about 10 s pass).
    static func waitFor(_ text: String, in session: String) throws -> String {
        var screen = ""
        for _ in 0..<100 {
            screen = try tmux(["capture-pane", "-p", "-t", session]).1
            if screen.contains(text) { return screen }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return screen
    }

    /// Runs `body` with a private tmux server (started and killed here).
    static func withServer(_ body: () throws -> Void) throws {
        // posix_spawn + waitpid, not Process: Process.waitUntilExit waits until the background server
        // closes descriptors it inherited, i.e. forever.
        let script = "tmux -D -L '\(Self.socket)' -f /dev/null </dev/null >/dev/null 2>&1 &"
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] =
            (["/bin/sh", "-c", script] as [String]).map { word in word.withCString { strdup($0) } } + [nil]
        defer { argv.forEach { free($0) } }
        #expect(posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ) == 0)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        defer {
            // kill-server (and SIGTERM) leave an undaemonized server running here: kill it by its pid.
            let serverPID = (try? Self.tmux(["display-message", "-p", "#{pid}"]).1).flatMap {
                pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            _ = try? Self.tmux(["kill-server"])
            if let serverPID { kill(serverPID, SIGKILL) }
        }
        Thread.sleep(forTimeInterval: 0.3)
        try body()
    }

    /// Opens the timeline in a 100×30 pane with `command` (run in the repository), presses `w`, checks the warning's
    /// detail, quits with `q`, and checks the exit status and that the terminal was restored.
    static func navigate(_ session: String, _ command: String) throws {
        let shell = "cd '\(CLI.repoRoot.path)' && TERM=screen-256color \(command); echo VIEW-EXITED $?; sleep 30"
        #expect(try Self.tmux(["new-session", "-d", "-s", session, "-x", "100", "-y", "30", shell]).0 == 0)
        defer { _ = try? Self.tmux(["kill-session", "-t", session]) }
        let first = try Self.waitFor("session.created", in: session)
        #expect(first.contains(" · beta · "))
        Thread.sleep(forTimeInterval: 0.5)  // let the key loop start
        let sent = try Self.tmux(["send-keys", "-t", session, "w"])
        #expect(sent.0 == 0, "send-keys: \(sent.1)")
        let warning = try Self.waitFor("[response-create-while-active]", in: session)
        #expect(warning.contains("Expected: wait for response.done of resp_E001"))
        _ = try Self.tmux(["send-keys", "-t", session, "q"])
        let after = try Self.waitFor("VIEW-EXITED", in: session)
        #expect(after.contains("VIEW-EXITED 0"))
        #expect(!after.contains("session.created"))  // the timeline is gone: the terminal was restored
    }

    @Test(.enabled(if: (try? ViewTerminalTests.tmux(["-V"]).0) == 0, "needs tmux"))
    func opensNavigatesAndRestoresTheTerminal() throws {
        try Self.withServer {
            try Self.navigate("view", "'\(CLI.binary.path)' view recordings/errors.jsonl")
        }
    }

    /// `cat f | rtscope view -` in a terminal: the recording comes from the pipe, the keys from /dev/tty (like less).
    @Test(.enabled(if: (try? ViewTerminalTests.tmux(["-V"]).0) == 0, "needs tmux"))
    func aPipedRecordingIsBrowsedWithKeysFromTheTerminal() throws {
        try Self.withServer {
            try Self.navigate("piped", "cat recordings/errors.jsonl | '\(CLI.binary.path)' view -")
        }
    }
}
