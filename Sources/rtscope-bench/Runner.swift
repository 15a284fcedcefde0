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
        /// The slowest of the runs `best` took (equal to `seconds` for one run).
        var slowest: Double = 0
        /// CPU time (user + system, every thread and child), which a loaded machine disturbs less than wall time.
        var cpu: Double = 0
        var slowestCPU: Double = 0
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
        let cpu =
            Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        return Measurement(
            seconds: seconds, maxRSSKiB: rss, status: (status >> 8) & 0xFF, slowest: seconds, cpu: cpu, slowestCPU: cpu)
    }

    /// Best wall time of `runs` runs (and the slowest, and the largest RSS seen).
    /// - Parameter allowed: exit statuses that count as success (`validate` exits 1 on findings).
    static func best(_ command: String, runs: Int, allowed: Set<Int32> = [0]) throws -> Measurement {
        var results: [Measurement] = []
        for _ in 0..<runs {
            let m = try measure(command)
            guard allowed.contains(m.status) else { throw BenchError.tool("exit \(m.status): \(command)") }
            results.append(m)
        }
        let times = results.map(\.seconds)
        let cpus = results.map(\.cpu)
        return Measurement(
            seconds: times.min() ?? 0, maxRSSKiB: results.map(\.maxRSSKiB).max() ?? 0, status: 0,
            slowest: times.max() ?? 0, cpu: cpus.min() ?? 0, slowestCPU: cpus.max() ?? 0)
    }
}
