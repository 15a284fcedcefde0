import Foundation

/// A child process's CPU time and thread wake-ups, from /proc (Linux), to measure what the proxy
/// spends per forwarded frame with one frame in flight, where CPU per frame and wake-ups per frame
/// vary far less with the machine's load than the added latency does.
///
/// Limits: summed over the threads alive when read (/proc/PID/task/*/sched: nanosecond run time
/// and context switches), so a thread that exited during the measurement is missed; without that
/// file (a kernel without scheduler debug info) CPU time comes from /proc/PID/stat in clock ticks
/// (10 ms) and switches from each thread's status.
struct ProcessCounters {
    /// Time on a CPU, in seconds.
    var cpuSeconds: Double
    /// Voluntary context switches: each is a thread going to sleep, so it counts the wake-ups
    /// (an event loop waiting in epoll_wait, a worker waiting for work).
    var voluntarySwitches: Int
    /// Involuntary context switches (preempted: the CPU was wanted elsewhere).
    var involuntarySwitches: Int

    static func read(pid: Int32) -> ProcessCounters {
        var counters = ProcessCounters(cpuSeconds: 0, voluntarySwitches: 0, involuntarySwitches: 0)
        var precise = true
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        for task in tasks {
            let dir = "/proc/\(pid)/task/\(task)/"
            let sched = try? String(contentsOfFile: dir + "sched", encoding: .utf8)
            if sched == nil { precise = false }
            guard let text = sched ?? (try? String(contentsOfFile: dir + "status", encoding: .utf8)) else { continue }
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: ":")
                guard parts.count == 2 else { continue }
                let key = parts[0].trimmingCharacters(in: .whitespaces)
                let value = parts[1].trimmingCharacters(in: .whitespaces)
                switch key {
                case "se.sum_exec_runtime": counters.cpuSeconds += (Double(value) ?? 0) / 1000  // milliseconds
                case "nr_voluntary_switches", "voluntary_ctxt_switches":
                    counters.voluntarySwitches += Int(value) ?? 0
                case "nr_involuntary_switches", "nonvoluntary_ctxt_switches":
                    counters.involuntarySwitches += Int(value) ?? 0
                default: break
                }
            }
        }
        if !precise { counters.cpuSeconds = ProxyProcess.cpuSeconds(of: "\(pid)") }
        return counters
    }

    /// Per frame between `self` (before) and `after`: CPU µs, voluntary and involuntary switches.
    func perFrame(until after: ProcessCounters, frames: Int) -> (cpuUs: Double, wakeUps: Double, preempted: Double) {
        let n = Double(max(1, frames))
        return (
            (after.cpuSeconds - cpuSeconds) / n * 1e6, Double(after.voluntarySwitches - voluntarySwitches) / n,
            Double(after.involuntarySwitches - involuntarySwitches) / n
        )
    }
}
