import Foundation
import TimelineModel

/// The process group of the player that is running (0: none).
///
/// The SIGINT/SIGTERM handlers stop it before the process exits. Written on the main actor only.
nonisolated(unsafe) var playerProcessGroup: pid_t = 0

/// Carries out the timeline's playback effects (`TimelineEffect`): makes the WAV (on a background
/// task, so the UI keeps running), starts an external player as a child process, watches it, and
/// stops it on a second press, Esc or quit.
///
/// Players, first found wins: the `RTSCOPE_PLAYER` environment variable (a shell command; the WAV's
/// path is appended as its last argument), then `paplay`, `aplay`, `play` (sox), `ffplay -nodisp
/// -autoexit`, `afplay` on `PATH`. The player gets the WAV as a temporary file (removed when it ends
/// or is stopped), /dev/null for its standard streams (it must not draw on the screen), and a process
/// group of its own, which is killed on stop, on quit and on SIGINT/SIGTERM, and always reaped (no
/// zombie). Without a player the WAV is kept and the footer says where, and which players were tried.
@MainActor
final class PlaybackRunner {
    /// Player programs tried after `RTSCOPE_PLAYER`, with their arguments before the file.
    static let players: [(name: String, arguments: [String])] = [
        ("paplay", []), ("aplay", ["-q"]), ("play", ["-q"]),
        ("ffplay", ["-nodisp", "-autoexit", "-loglevel", "quiet"]), ("afplay", []),
    ]

    private let environment: [String: String]
    /// The export under way: its request, directory, and the result a background task leaves.
    private var preparing: (request: PlaybackRequest, directory: String, box: ResultBox)?
    private var child: (pid: pid_t, label: String, player: String, directory: String)?

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// Whether anything is being prepared or played.
    var busy: Bool { preparing != nil || child != nil }

    /// Carries out `effect`, reporting to `model`.
    func perform(_ effect: TimelineEffect, _ model: inout TimelineModel) {
        switch effect {
        case .stopPlayback: stop()
        case .play(let request):
            stop()
            guard let directory = Self.temporaryDirectory() else {
                model.playbackEnded("cannot play \(request.label): no temporary directory")
                return
            }
            let box = ResultBox()
            preparing = (request, directory, box)
            Task.detached { box.set(Result { try PlaybackAudio.make(request, in: directory) }) }
        }
    }

    /// Checks the export and the player, and reports changes to `model`.
    ///
    /// Returns whether the model changed.
    func poll(_ model: inout TimelineModel) -> Bool {
        if let (request, directory, box) = preparing, let result = box.take() {
            preparing = nil
            switch result {
            case .failure(let error):
                Self.remove(directory)
                model.playbackEnded("cannot play \(request.label): \(error)")
            case .success(let (path, seconds)):
                start(request, path: path, seconds: seconds, directory: directory, &model)
            }
            return true
        }
        guard let running = child else { return false }
        var status: Int32 = 0
        let done = waitpid(running.pid, &status, WNOHANG)
        guard done == running.pid || done < 0 else { return false }
        finish()
        let code = (status >> 8) & 0xFF
        model.playbackEnded(
            done > 0 && status & 0x7F == 0 && code != 0
                ? "\(running.player) failed (exit status \(code)) playing \(running.label)"
                : "played \(running.label)")
        return true
    }

    /// Stops the player (and forgets an export under way); removes the temporary files.
    func stop() {
        if let preparing {
            let directory = preparing.directory
            let box = preparing.box
            self.preparing = nil
            // Removed now (quitting does not wait for the export), and again when the export, still writing there,
            // ends.
            Self.remove(directory)
            box.onArrival { _ in Self.remove(directory) }
        }
        guard let running = child else { return }
        kill(-running.pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<100 {  // up to 1 s, then SIGKILL
            if waitpid(running.pid, &status, WNOHANG) != 0 { return finish() }
            usleep(10_000)
        }
        kill(-running.pid, SIGKILL)
        waitpid(running.pid, &status, 0)
        finish()
    }

    private func finish() {
        if let running = child { Self.remove(running.directory) }
        child = nil
        playerProcessGroup = 0
    }

    /// The first player found: its name and the argument vector before the file.
    func findPlayer() -> (name: String, argv: [String])? {
        if let command = environment["RTSCOPE_PLAYER"], !command.trimmingCharacters(in: .whitespaces).isEmpty {
            return ("RTSCOPE_PLAYER", ["/bin/sh", "-c", command + " \"$1\"", "rtscope-player"])
        }
        let path = environment["PATH"] ?? ""
        for (name, arguments) in Self.players {
            for dir in path.split(separator: ":") where !dir.isEmpty {
                let candidate = "\(dir)/\(name)"
                if access(candidate, X_OK) == 0 { return (name, [candidate] + arguments) }
            }
        }
        return nil
    }

    /// Which players were looked for (the message when none is found).
    static var tried: String { (["RTSCOPE_PLAYER"] + players.map(\.name)).joined(separator: ", ") }

    private func start(
        _ request: PlaybackRequest, path: String, seconds: Double, directory: String, _ model: inout TimelineModel
    ) {
        guard let player = findPlayer() else {
            model.playbackEnded("no audio player found (tried \(Self.tried)); wrote \(path)")
            return
        }
        guard let pid = Self.spawn(player.argv + [path]) else {
            Self.remove(directory)
            model.playbackEnded("cannot start \(player.name): \(String(cString: strerror(errno)))")
            return
        }
        child = (pid, request.label, player.name, directory)
        playerProcessGroup = pid
        model.playbackStarted("playing \(request.label) (\(String(format: "%.1f", seconds)) s) with \(player.name)")
    }

    /// Starts `argv` in a process group of its own, with /dev/null for its standard streams.
    static func spawn(_ argv: [String]) -> pid_t? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF))
        let cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, argv[0], &actions, &attributes, cArgs, environ)
        guard status == 0 else {
            errno = status
            return nil
        }
        return pid
    }

    nonisolated static func temporaryDirectory() -> String? {
        let pattern = (NSTemporaryDirectory() as NSString).appendingPathComponent("rtscope-play.XXXXXX")
        var template = Array(pattern.utf8CString)
        return template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.flatMap { mkdtemp($0) }.map { String(cString: $0) }
        }
    }

    nonisolated static func remove(_ directory: String) { try? FileManager.default.removeItem(atPath: directory) }
}

/// The export's result, handed from the background task to the main actor.
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<(path: String, seconds: Double), any Error>?
    private var arrival: (@Sendable (Result<(path: String, seconds: Double), any Error>) -> Void)?

    func set(_ value: Result<(path: String, seconds: Double), any Error>) {
        lock.lock()
        let handler = arrival
        if handler == nil { result = value }
        lock.unlock()
        handler?(value)
    }

    func take() -> Result<(path: String, seconds: Double), any Error>? {
        lock.lock()
        defer { lock.unlock() }
        defer { result = nil }
        return result
    }

    /// Runs `handler` with the result when it arrives (at once if it is there): for an abandoned export.
    func onArrival(_ handler: @escaping @Sendable (Result<(path: String, seconds: Double), any Error>) -> Void) {
        lock.lock()
        let value = result
        if value == nil { arrival = handler }
        result = nil
        lock.unlock()
        if let value { handler(value) }
    }
}

/// Stops the player from a signal handler (async-signal-safe: one `kill`).
func stopPlayerFromSignal() {
    let group = playerProcessGroup
    if group > 0 { kill(-group, SIGTERM) }
}
