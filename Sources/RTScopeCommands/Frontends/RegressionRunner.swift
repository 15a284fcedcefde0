import ArgumentParser
import Foundation
import RealtimeProtocol
import RealtimeRecording
import RealtimeSession

/// Carries out `rtscope test`: replay every baseline of a folder, diff each replay against its
/// baseline, write JUnit and a Markdown summary, and (with `--update`) accept the replays.
///
/// Baselines are the folder's `*.jsonl` files except `*.replay.jsonl`, in name order; replays,
/// `junit.xml` and `summary.md` go to the results folder. A baseline that cannot be replayed
/// (nothing to replay, unreadable, the upstream unreachable) is one failing "replay" testcase.
enum RegressionRunner {
    struct Result {
        let baseline: String
        /// The replay's path, nil when it could not be replayed.
        let replay: String?
        /// Why it could not be replayed.
        let error: String?
        let diff: SessionDiff?
        let failed: [DiffGate: [DiffEntry]]
        var passed: Bool { error == nil && failed.isEmpty }
    }

    /// The baselines of `dir`, or one sentence and 66 when it cannot be listed.
    static func baselines(_ dir: String) throws -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else {
            Diagnostics.print("rtscope test: \(dir): cannot read the folder.")
            throw ExitCodes.cannotRead
        }
        return names.filter { $0.hasSuffix(".jsonl") && !$0.hasSuffix(".replay.jsonl") }.sorted().map {
            (dir as NSString).appendingPathComponent($0)
        }
    }

    static func run(
        dir: String, upstream: ReplayRunner.Upstream, options: ReplayRunner.Options, gates: [DiffGate],
        results: String, update: Bool
    ) async throws -> [Result] {
        let files = try baselines(dir)
        try RecordCommandRunner.makeOutputFolder(results)
        var out: [Result] = []
        for file in files {
            var opts = options
            opts.quiet = true
            let name = (file as NSString).lastPathComponent
            opts.out = (results as NSString).appendingPathComponent(
                ReplayRunner.replayPath(of: name))
            do {
                let replay = try await ReplayRunner.run(file, upstream: upstream, options: opts)
                let diff = SessionDiff(try DiffFrontend.load(file), try DiffFrontend.load(replay))
                out.append(
                    Result(
                        baseline: file, replay: replay, error: nil, diff: diff,
                        failed: DiffFrontend.failures(diff, gates)))
            } catch let code as ExitCode {
                out.append(
                    Result(
                        baseline: file, replay: nil, error: "could not be replayed (exit \(code.rawValue))", diff: nil,
                        failed: [:]))
            }
        }
        if update {
            for result in out where result.error == nil {
                guard let replay = result.replay else { continue }
                do {
                    try FileManager.default.removeItem(atPath: result.baseline)
                    try FileManager.default.copyItem(atPath: replay, toPath: result.baseline)
                    Diagnostics.print("rtscope test: accepted \(replay) as \(result.baseline).")
                } catch {
                    Diagnostics.print("rtscope test: cannot write \(result.baseline).")
                    throw ExitCodes.cannotWrite
                }
            }
        }
        return out
    }

    // MARK: - Reports

    static func xml(_ text: String) -> String {
        var out = ""
        for scalar in SafeText.escape(text).unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// One testsuite per baseline; one testcase per difference class (failing when a `--fail-on`
    /// gate of that class fails; other differences are listed in `system-out`), or one failing
    /// "replay" testcase when the baseline could not be replayed.
    static func junit(_ results: [Result], gates: [DiffGate]) -> String {
        var suites = ""
        var tests = 0
        var failures = 0
        for r in results {
            var cases = ""
            var suiteFailures = 0
            let classname = xml((r.baseline as NSString).lastPathComponent)
            if let error = r.error {
                cases +=
                    "    <testcase classname=\"\(classname)\" name=\"replay\" file=\"\(xml(r.baseline))\" time=\"0\">\n"
                cases += "      <failure message=\"\(xml(error))\" type=\"replay\"/>\n    </testcase>\n"
                suiteFailures = 1
            } else if let diff = r.diff {
                for kind in DiffClass.allCases {
                    let attributes =
                        "classname=\"\(classname)\" name=\"\(kind.rawValue)\" file=\"\(xml(r.baseline))\" time=\"0\""
                    let entries = diff.entries(kind)
                    let broken = r.failed.filter { $0.key.kind == kind }
                    if entries.isEmpty {
                        cases += "    <testcase \(attributes)/>\n"
                        continue
                    }
                    cases += "    <testcase \(attributes)>\n"
                    if let gate = broken.keys.first {
                        suiteFailures += 1
                        let n = broken.values.reduce(0) { $0 + $1.count }
                        cases +=
                            "      <failure message=\"\(xml("--fail-on \(gate): \(Plural.count(n, "difference"))"))\" type=\"\(kind.rawValue)\"/>\n"
                    }
                    let lines = entries.map { e in
                        "response \(e.response.map(String.init) ?? "-") \(e.subject): \(e.a ?? "-") | \(e.b ?? "-")"
                            + (e.detail.map { " (\($0))" } ?? "")
                    }
                    cases += "      <system-out>\(xml(lines.joined(separator: "\n")))</system-out>\n    </testcase>\n"
                }
            }
            let count = r.error == nil ? DiffClass.allCases.count : 1
            tests += count
            failures += suiteFailures
            suites +=
                "  <testsuite name=\"\(classname)\" tests=\"\(count)\" failures=\"\(suiteFailures)\" errors=\"0\" skipped=\"0\" time=\"0\">\n"
            suites += cases + "  </testsuite>\n"
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites name=\"rtscope test\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\">\n" + suites
            + "</testsuites>\n"
    }

    static func markdown(_ results: [Result], gates: [DiffGate]) -> String {
        func cell(_ s: String) -> String { SafeText.escape(s).replacingOccurrences(of: "|", with: "\\|") }
        var md = "## rtscope test\n\n"
        md += "Gates: `\(gates.map(\.description).joined(separator: ","))`. "
        md += "\(results.filter(\.passed).count) of \(Plural.count(results.count, "recording")) passed.\n\n"
        md += "| recording | result | " + DiffClass.allCases.map(\.rawValue).joined(separator: " | ") + " |\n"
        md += "| --- | --- |" + String(repeating: " ---: |", count: DiffClass.allCases.count) + "\n"
        for r in results {
            let name = cell((r.baseline as NSString).lastPathComponent)
            if let error = r.error {
                md +=
                    "| `\(name)` | ❌ \(cell(error)) |" + String(repeating: " — |", count: DiffClass.allCases.count)
                    + "\n"
                continue
            }
            let verdict = r.passed ? "✅ pass" : "❌ " + r.failed.keys.map(\.description).sorted().joined(separator: ", ")
            let counts = DiffClass.allCases.map { String(r.diff?.entries($0).count ?? 0) }.joined(separator: " | ")
            md += "| `\(name)` | \(cell(verdict)) | \(counts) |\n"
        }
        return md
    }
}
