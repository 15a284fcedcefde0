import Foundation

/// Runs a shell command with stdout to /dev/null and returns wall time and the child's max RSS.
///
/// Max RSS comes from GNU time (`/usr/bin/time -f %M`) when installed: a spawned child's own
/// `ru_maxrss` starts at its parent's high-water mark on Linux, so `wait4` cannot measure small
/// tools. Without GNU time the column reads 0.
enum Runner {
    static let gnuTime = FileManager.default.isExecutableFile(atPath: "/usr/bin/time")
    struct Measurement {
        let seconds: Double
        let maxRSSKiB: Int
        let status: Int32
    }

    static func measure(_ command: String) throws -> Measurement {
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let rssFile = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-bench-rss-\(getpid())")
            .path
        let wrapped = gnuTime ? "/usr/bin/time -f %M -o '\(rssFile)' " + command : command
        let words: [String] = ["/bin/sh", "-c", "exec " + wrapped]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { word in word.withCString { strdup($0) } } + [nil]
        defer { for p in argv { free(p) } }
        let start = DispatchTime.now().uptimeNanoseconds
        guard posix_spawn(&pid, "/bin/sh", &actions, nil, argv, environ) == 0 else {
            throw BenchError.tool("cannot run: \(command)")
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw BenchError.tool("wait failed for: \(command)") }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        var rss = 0
        if gnuTime, let text = try? String(contentsOfFile: rssFile, encoding: .utf8) {
            rss = Int(text.split(separator: "\n").last.map(String.init) ?? "") ?? 0
            try? FileManager.default.removeItem(atPath: rssFile)
        }
        _ = usage
        return Measurement(seconds: seconds, maxRSSKiB: rss, status: (status >> 8) & 0xFF)
    }

    /// Best wall time of `runs` runs (and the largest RSS seen).
    static func best(_ command: String, runs: Int) throws -> Measurement {
        var results: [Measurement] = []
        for _ in 0..<runs {
            let m = try measure(command)
            guard m.status == 0 else { throw BenchError.tool("exit \(m.status): \(command)") }
            results.append(m)
        }
        let fastest = results.map(\.seconds).min() ?? 0
        return Measurement(seconds: fastest, maxRSSKiB: results.map(\.maxRSSKiB).max() ?? 0, status: 0)
    }
}
