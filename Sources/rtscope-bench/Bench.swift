import Foundation

/// `rtscope-bench`: generates benchmark corpora and compares rtscope's reader with wc and jq.
///
/// Usage: `rtscope-bench [--dir DIR] [--mixed-mib N] [--small-mib N] [--runs N] [--rtscope PATH]`
/// Defaults: DIR = ./bench-data (git-ignored), 1024 MiB mixed, 256 MiB small, best of 3 runs,
/// the rtscope next to this executable. Corpora are kept, and reused when present with the right size.
@main
struct Bench {
    static let usage =
        "usage: rtscope-bench [--dir DIR] [--mixed-mib N] [--small-mib N] [--runs N] [--rtscope PATH]\n"
        + "Writes two corpora (1 GiB mixed, 256 MiB small events) to DIR (default bench-data) and times rtscope,\n"
        + "wc -l and jq on them. Takes a few minutes.\n"

    static func main() throws {
        var args = Array(CommandLine.arguments.dropFirst())
        if args.contains("--help") || args.contains("-h") {
            print(usage, terminator: "")
            return
        }
        func option(_ name: String, _ fallback: String) -> String {
            guard let i = args.firstIndex(of: name), i + 1 < args.count else { return fallback }
            defer { args.removeSubrange(i...(i + 1)) }
            return args[i + 1]
        }
        let dir = option("--dir", "bench-data")
        let mixedMiB = Int64(option("--mixed-mib", "1024")) ?? 1024
        let smallMiB = Int64(option("--small-mib", "256")) ?? 256
        let runs = Int(option("--runs", "3")) ?? 3
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let rtscope = option("--rtscope", here.appendingPathComponent("rtscope").path)
        guard args.isEmpty else {
            FileHandle.standardError.write(Data("rtscope-bench: unknown argument \(args[0]).\n\(usage)".utf8))
            exit(64)
        }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)

        print("# rtscope reader benchmark")
        print(
            "machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; \(ProcessInfo.processInfo.operatingSystemVersionString)"
        )
        print("rtscope: \(rtscope); best of \(runs) runs, warm page cache\n")
        print("| file | size | lines | tool | seconds | throughput | vs jq | max RSS |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for (kind, mib) in [(Corpus.Kind.mixed, mixedMiB), (.small, smallMiB)] {
            let path = "\(dir)/\(kind.rawValue).jsonl"
            let size = try ensure(path, kind: kind, bytes: mib << 20)
            let lines = try lineCount(path)
            let counted = try output("'\(rtscope)' cat --count '\(path)' 2>&1")
            let verdict = try output("'\(rtscope)' validate '\(path)' | grep -E '^(ok|FAIL) '")
            guard verdict.contains("0 errors, 0 warnings, 0 notes") else {
                throw BenchError.tool("the corpus \(path) does not validate clean: \(verdict)")
            }
            guard counted == "\(lines - 1)\n" else {
                throw BenchError.tool(
                    "rtscope counted \(counted) frames in \(path), expected \(lines - 1) (lines minus the header)")
            }
            _ = try Runner.measure("cat '\(path)'")  // warm the page cache
            let tools: [(String, String)] = [
                ("wc -l", "wc -l '\(path)'"),
                ("rtscope cat --count", "'\(rtscope)' cat --count '\(path)'"),
                (
                    "rtscope cat --count --type 'response.*.delta'",
                    "'\(rtscope)' cat --count --type 'response.*.delta' '\(path)'"
                ),
                ("rtscope validate", "'\(rtscope)' validate --format json -o /dev/null '\(path)'"),
                ("jq -c .event.type", "jq -c .event.type '\(path)'"),
            ]
            var results: [(String, Runner.Measurement)] = []
            for (name, command) in tools { results.append((name, try Runner.best(command, runs: runs))) }
            let jq = results.last?.1.seconds ?? 1
            for (name, m) in results {
                let rate = Double(size) / m.seconds / 1_048_576
                let rateText =
                    rate >= 1024 ? String(format: "%.2f GiB/s", rate / 1024) : String(format: "%.0f MiB/s", rate)
                print(
                    "| \(kind.rawValue) | \(size >> 20) MiB | \(lines) | \(name) | \(String(format: "%.3f", m.seconds)) | \(rateText) | \(String(format: "%.1f×", jq / m.seconds)) | \(m.maxRSSKiB / 1024) MiB |"
                )
            }
        }
    }

    static func ensure(_ path: String, kind: Corpus.Kind, bytes: Int64) throws -> Int64 {
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int64,
            abs(size - bytes) < bytes / 50
        {
            return size
        }
        var corpus = Corpus(kind: kind)
        let start = Date()
        let (written, lines) = try corpus.write(to: path, bytes: bytes)
        FileHandle.standardError.write(
            Data(
                "generated \(path): \(written >> 20) MiB, \(lines) lines in \(String(format: "%.1f", Date().timeIntervalSince(start))) s\n"
                    .utf8))
        return written
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
