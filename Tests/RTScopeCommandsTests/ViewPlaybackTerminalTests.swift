import Foundation
import Testing

/// `a`/`A` in the real terminal UI under tmux (the private server of `ViewTerminalTests`), with a fake
/// player (a shell script named by `RTSCOPE_PLAYER` that copies the WAV it is given and then waits)
/// and with no player on `PATH`.
extension ViewTerminalTests {
    /// A private folder with the fake player: it records its pid and the path it was given, copies
    /// the WAV to `received.wav`, and sleeps (playing) until it is killed.
    struct FakePlayer {
        let folder: String
        var script: String { folder + "/player.sh" }
        var received: String { folder + "/received.wav" }
        var pidFile: String { folder + "/pid" }
        var argumentFile: String { folder + "/argument" }

        init() throws {
            folder = CLI.temporaryPath("player")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let text = """
                #!/bin/sh
                echo $$ > '\(folder)/pid.tmp' && mv '\(folder)/pid.tmp' '\(folder)/pid'
                printf '%s' "$1" > '\(folder)/argument'
                cp "$1" '\(folder)/received.tmp' && mv '\(folder)/received.tmp' '\(folder)/received.wav'
                exec sleep 60
                """
            try text.write(toFile: script, atomically: true, encoding: .utf8)
            chmod(script, 0o755)
        }

        /// Waits up to 10 s for `path` to exist.
        func waitFor(_ path: String) -> Bool {
            for _ in 0..<100 {
                if FileManager.default.fileExists(atPath: path) { return true }
                Thread.sleep(forTimeInterval: 0.1)
            }
            return false
        }

        var pid: pid_t? {
            (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap {
                pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
    }

    /// Whether process `pid` is gone (not even a zombie: `kill(pid, 0)` still finds a zombie), within 5 s.
    static func gone(_ pid: pid_t) -> Bool {
        for _ in 0..<50 {
            if kill(pid, 0) != 0, errno == ESRCH { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }

    /// Waits up to 5 s for `path` to be removed (the timeline removes the player's file right after
    /// reaping it, so a check the moment the process is gone can fall between the two).
    static func removed(_ path: String) -> Bool {
        for _ in 0..<50 {
            if !FileManager.default.fileExists(atPath: path) { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }

    /// The data chunk of a WAV `rtscope audio` wrote (44-byte header) and its format fields.
    static func wavParts(_ path: String) throws -> (format: [UInt8], data: [UInt8]) {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes.count >= 44 && Array(bytes[36..<40]) == Array("data".utf8))
        return (Array(bytes[20..<36]), Array(bytes[44...]))
    }

    static func start(_ session: String, _ command: String, width: Int = 100) throws {
        let shell = "cd '\(CLI.repoRoot.path)' && TERM=screen-256color \(command); echo VIEW-EXITED $?; sleep 30"
        #expect(try tmux(["new-session", "-d", "-s", session, "-x", "\(width)", "-y", "30", shell]).0 == 0)
        #expect(try waitFor("session.created", in: session).contains("session.created"))
        Thread.sleep(forTimeInterval: 0.5)  // let the key loop start
    }

    static func keys(_ session: String, _ keys: String...) throws {
        for key in keys { #expect(try tmux(["send-keys", "-t", session, key]).0 == 0) }
    }

    @Test(.enabled(if: (try? ViewTerminalTests.tmux(["-V"]).0) == 0, "needs tmux"))
    func aPlaysTheTurnAsRtscopeAudioExportsItAndStopsTheChild() throws {
        let player = try FakePlayer()
        defer { try? FileManager.default.removeItem(atPath: player.folder) }
        try Self.withServer {
            let session = "play"
            try Self.start(
                session, "RTSCOPE_PLAYER='\(player.script)' '\(CLI.binary.path)' view recordings/audio-vad.jsonl")
            defer { _ = try? Self.tmux(["kill-session", "-t", session]) }
            try Self.keys(session, ":", "23", "Enter", "a")  // line 23: the answer's first audio delta
            let playing = try Self.waitFor("with RTSCOPE_PLAYER", in: session)
            #expect(playing.contains("playing turn 1 ("), "\(playing)")
            #expect(player.waitFor(player.received))
            // What the player got: the turn's input, then its answer as heard, as `rtscope audio` writes them.
            let out = CLI.temporaryPath("audio")
            defer { try? FileManager.default.removeItem(atPath: out) }
            let export = try CLI.run(["audio", "recordings/audio-vad.jsonl", "--turn", "1", "--as-heard", "-o", out])
            #expect(export.status == 0)
            let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
            let input = try #require(files.first { $0.contains(".input.") })
            let output = try #require(files.first { $0.contains(".output.") })
            let (inFormat, inData) = try Self.wavParts(out + "/" + input)
            let (_, outData) = try Self.wavParts(out + "/" + output)
            let (format, data) = try Self.wavParts(player.received)
            #expect(format == inFormat)
            #expect(data == inData + outData)
            #expect(!inData.isEmpty && !outData.isEmpty)
            // A second press stops it: the player is killed and reaped, its temporary WAV removed.
            let pid = try #require(player.pid)
            let argument = try String(contentsOfFile: player.argumentFile, encoding: .utf8)
            try Self.keys(session, "a")
            #expect(try Self.waitFor("playback stopped", in: session).contains("playback stopped"))
            #expect(Self.gone(pid))
            #expect(Self.removed(argument))
            // Playing again, then quitting: the player does not outlive the timeline.
            try FileManager.default.removeItem(atPath: player.pidFile)
            try Self.keys(session, "A")
            #expect(try Self.waitFor("playing the mix from 1.2 s", in: session).contains("with RTSCOPE_PLAYER"))
            #expect(player.waitFor(player.pidFile))
            let second = try #require(player.pid)
            try Self.keys(session, "q")
            #expect(try Self.waitFor("VIEW-EXITED", in: session).contains("VIEW-EXITED 0"))
            #expect(Self.gone(second))
        }
    }

    @Test(.enabled(if: (try? ViewTerminalTests.tmux(["-V"]).0) == 0, "needs tmux"))
    func withoutAPlayerTheStatusLineNamesThePlayersTriedAndWhereTheWAVIs() throws {
        let folder = CLI.temporaryPath("noplayer")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.withServer {
            let session = "noplayer"
            try Self.start(
                session,
                "env -u RTSCOPE_PLAYER PATH=/nonexistent TMPDIR='\(folder)' '\(CLI.binary.path)' view recordings/audio-vad.jsonl",
                width: 220)
            defer { _ = try? Self.tmux(["kill-session", "-t", session]) }
            try Self.keys(session, ":", "23", "Enter", "a")
            let screen = try Self.waitFor("no audio player found", in: session)
            #expect(
                screen.contains(
                    "no audio player found (tried RTSCOPE_PLAYER, paplay, aplay, play, ffplay, afplay); wrote \(folder)"
                ),
                "\(screen)")
            try Self.keys(session, "j")  // still running: the UI answers keys
            try Self.keys(session, "q")
            #expect(try Self.waitFor("VIEW-EXITED", in: session).contains("VIEW-EXITED 0"))
        }
    }
}

/// `a` with `--headless`: no terminal to play in, so the WAV is written and the footer says where.
struct HeadlessPlaybackTests {
    @Test func aWritesTheTurnsWAVAndSaysWhere() throws {
        let folder = CLI.temporaryPath("headless-play")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let view = try CLI.run(
            ["view", "recordings/audio-vad.jsonl", "--headless", "--size", "200x12", "--keys", ":23<enter>a"],
            environment: ["TMPDIR": folder])
        #expect(view.status == 0)
        let footer = view.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(footer.contains("no terminal to play turn 1 ("), "\(footer)")
        let path = try #require(footer.components(separatedBy: "; wrote ").last)
        #expect(path.hasPrefix(folder + "/rtscope-play."))
        let out = folder + "/export"
        #expect(
            try CLI.run(["audio", "recordings/audio-vad.jsonl", "--turn", "1", "--as-heard", "-o", out]).status == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        let input = try #require(files.first { $0.contains(".input.") })
        let output = try #require(files.first { $0.contains(".output.") })
        let played = try ViewTerminalTests.wavParts(path)
        #expect(played.format == (try ViewTerminalTests.wavParts(out + "/" + input)).format)
        #expect(
            played.data
                == (try ViewTerminalTests.wavParts(out + "/" + input)).data
                + (try ViewTerminalTests.wavParts(out + "/" + output)).data)
    }
}
