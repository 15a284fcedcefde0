import Foundation

/// `rtscope-bench`: generates benchmark corpora and compares rtscope's reader, validator and
/// importer with wc and jq, in the same run, on the same files.
///
/// Usage: `rtscope-bench [--dir DIR] [--corpora LIST] [--mixed-mib N] [--small-mib N] [--real-mib N]
/// [--runs N] [--rtscope PATH]`. Defaults: DIR = ./bench-data (git-ignored), every corpus, 1024 MiB
/// mixed, 256 MiB small, 128 MiB for voice, webrtc, clean and broken, best of 3 runs (the slowest is
/// printed too), the rtscope next to this executable. Corpora are kept, and reused when present with
/// the right size.
@main
struct Bench {
    static let usage =
        "usage: rtscope-bench [--dir DIR] [--corpora mixed,small,voice,webrtc,clean,broken] [--mixed-mib N] [--small-mib N]\n"
        + "                     [--real-mib N] [--runs N] [--rtscope PATH]\n"
        + "Writes the corpora to DIR (default bench-data) and times rtscope, wc -l and jq on them. Takes minutes.\n"
        + "mixed, small and clean are clean; voice, webrtc and broken carry findings (webrtc, clean and broken are\n"
        + "event logs, imported with rtscope import first, which is timed too).\n"

    struct Options {
        var dir = "bench-data"
        var corpora = ["mixed", "small", "voice", "webrtc", "clean", "broken"]
        var mib: [String: Int64] = [
            "mixed": 1024, "small": 256, "voice": 128, "webrtc": 128, "clean": 128, "broken": 128,
        ]
        var runs = 3
        var rtscope = ""
    }

    static func main() throws {
        var args = Array(CommandLine.arguments.dropFirst())
        if args.contains("--help") || args.contains("-h") {
            print(usage, terminator: "")
            return
        }
        func option(_ name: String) -> String? {
            guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
            defer { args.removeSubrange(i...(i + 1)) }
            return args[i + 1]
        }
        var o = Options()
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        o.dir = option("--dir") ?? o.dir
        o.corpora = option("--corpora").map { $0.split(separator: ",").map(String.init) } ?? o.corpora
        if let n = option("--mixed-mib").flatMap(Int64.init) { o.mib["mixed"] = n }
        if let n = option("--small-mib").flatMap(Int64.init) { o.mib["small"] = n }
        if let n = option("--real-mib").flatMap(Int64.init) {
            for k in ["voice", "webrtc", "clean", "broken"] { o.mib[k] = n }
        }
        o.runs = option("--runs").flatMap(Int.init) ?? o.runs
        o.rtscope = option("--rtscope") ?? here.appendingPathComponent("rtscope").path
        guard args.isEmpty, o.corpora.allSatisfy({ o.mib[$0] != nil }) else {
            FileHandle.standardError.write(Data("rtscope-bench: bad arguments.\n\(usage)".utf8))
            exit(64)
        }
        try FileManager.default.createDirectory(atPath: o.dir, withIntermediateDirectories: true)

        print("# rtscope benchmark")
        print(
            "machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; \(ProcessInfo.processInfo.operatingSystemVersionString)"
        )
        print(
            "rtscope: \(o.rtscope); best of \(o.runs) runs (slowest in brackets), warm page cache; CPU = user + system\n"
        )
        print("| file | size | lines | findings | tool | wall s | throughput | vs jq | CPU s | vs jq (CPU) | max RSS |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        var validateSeconds: [String: Double] = [:]
        for name in o.corpora {
            validateSeconds[name] = try bench(name, options: o)
        }
        for baseline in ["clean", "webrtc"] {
            guard let broken = validateSeconds["broken"], let base = validateSeconds[baseline] else { continue }
            print(
                "\nbroken against \(baseline) (same size, same session; findings on most events of broken): "
                    + String(format: "%.2f× the time", broken / base))
        }
    }

    /// Generates (if needed) and times one corpus; returns `validate`'s best time.
    static func bench(_ name: String, options o: Options) throws -> Double {
        let rtscope = o.rtscope
        let bytes = (o.mib[name] ?? 128) << 20
        let path = "\(o.dir)/\(name).jsonl"
        var rows: [(String, String, Set<Int32>, Int64)] = []
        var size: Int64
        if let real = RealCorpus.Kind(rawValue: name) {
            let log = "\(o.dir)/\(name).events.jsonl"
            let logSize = try ensure(log, bytes: bytes) { path, bytes in
                var corpus = RealCorpus(kind: real)
                return try corpus.write(to: path, bytes: bytes)
            }
            let importCommand = "'\(rtscope)' import --force '\(log)' -o '\(path)'"
            if !FileManager.default.fileExists(atPath: path) { _ = try Runner.measure(importCommand) }
            size = try fileSize(path)
            rows.append(("rtscope import (of the \(logSize >> 20) MiB event log)", importCommand, [0], logSize))
        } else {
            let kind = Corpus.Kind(rawValue: name) ?? .mixed
            size = try ensure(path, bytes: bytes) { path, bytes in
                var corpus = Corpus(kind: kind)
                return try corpus.write(to: path, bytes: bytes)
            }
        }
        let lines = try lineCount(path)
        let verdict = try output("'\(rtscope)' validate '\(path)' | grep -E '^(ok|FAIL) '")
        let findings = summaryCount(verdict)
        if name == "mixed" || name == "small" || name == "clean" {
            guard verdict.contains("0 errors, 0 warnings, 0 notes") else {
                throw BenchError.tool("the corpus \(path) does not validate clean: \(verdict)")
            }
            let counted = try output("'\(rtscope)' cat --count '\(path)' 2>&1")
            guard counted == "\(lines - 1)\n" else {
                throw BenchError.tool("rtscope counted \(counted) frames in \(path), expected \(lines - 1)")
            }
            rows += [
                ("wc -l", "wc -l '\(path)'", [0], size),
                ("rtscope cat --count", "'\(rtscope)' cat --count '\(path)'", [0], size),
                (
                    "rtscope cat --count --type 'response.*.delta'",
                    "'\(rtscope)' cat --count --type 'response.*.delta' '\(path)'", [0], size
                ),
            ]
        }
        _ = try Runner.measure("cat '\(path)'")  // warm the page cache
        rows += [
            (
                "rtscope validate --format json", "'\(rtscope)' validate --format json -o /dev/null '\(path)'", [0, 1],
                size
            ),
            ("rtscope validate (text)", "'\(rtscope)' validate '\(path)'", [0, 1], size),
            ("rtscope stats --json", "'\(rtscope)' stats --json '\(path)'", [0], size),
            ("jq -c .event.type", "jq -c .event.type '\(path)'", [0], size),
        ]
        var results: [(String, Runner.Measurement, Int64)] = []
        for (tool, command, allowed, input) in rows {
            results.append((tool, try Runner.best(command, runs: o.runs, allowed: allowed), input))
        }
        let jq = results.last?.1.seconds ?? 1
        let jqCPU = results.last?.1.cpu ?? 1
        for (tool, m, input) in results {
            let rate = Double(input) / m.seconds / 1_048_576
            let rateText =
                rate >= 1024 ? String(format: "%.2f GiB/s", rate / 1024) : String(format: "%.0f MiB/s", rate)
            let importing = tool.hasPrefix("rtscope import")
            let ratio = importing ? "" : String(format: "%.1f×", jq / m.seconds)
            let cpuRatio = importing ? "" : String(format: "%.1f×", jqCPU / max(m.cpu, 0.001))
            print(
                "| \(name) | \(size >> 20) MiB | \(lines) | \(findings) | \(tool) | "
                    + String(format: "%.3f (%.3f)", m.seconds, m.slowest) + " | \(rateText) | \(ratio) | "
                    + String(format: "%.3f (%.3f)", m.cpu, m.slowestCPU)
                    + " | \(cpuRatio) | \(m.maxRSSKiB / 1024) MiB |")
        }
        return results.first { $0.0 == "rtscope validate --format json" }?.1.seconds ?? 0
    }

    /// The findings in `validate`'s summary line ("…, 3 errors, 1 warning, 0 notes").
    static func summaryCount(_ verdict: String) -> Int {
        let words = verdict.split(whereSeparator: { $0 == " " || $0 == "," })
        var total = 0
        for (i, word) in words.enumerated() where i > 0 {
            if word.hasPrefix("error") || word.hasPrefix("warning") || word.hasPrefix("note") {
                total += Int(words[i - 1]) ?? 0
            }
        }
        return total
    }

    static func ensure(_ path: String, bytes: Int64, write: (String, Int64) throws -> (Int64, Int)) throws -> Int64 {
        if let size = try? fileSize(path), abs(size - bytes) < bytes / 50 { return size }
        let start = Date()
        let (written, lines) = try write(path, bytes)
        FileHandle.standardError.write(
            Data(
                "generated \(path): \(written >> 20) MiB, \(lines) lines in \(String(format: "%.1f", Date().timeIntervalSince(start))) s\n"
                    .utf8))
        return written
    }

    static func fileSize(_ path: String) throws -> Int64 {
        guard let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64 else {
            throw BenchError.io("cannot stat \(path)")
        }
        return size
    }

    static func output(_ command: String) throws -> String {
        let pipe = Pipe()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static func lineCount(_ path: String) throws -> Int {
        Int(try output("wc -l < '\(path)'").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }
}
