import Foundation
import Testing

/// `rtscope replay`, `diff` and `test` end to end: a session recorded through the recorder from the
/// simulated server (`demo`), replayed against the in-process simulator, and compared.
struct ReplayDiffCommandTests {
    /// Frames of a recording, by Foundation (independent of rtscope's reader).
    struct Frames {
        let all: [(t: Int, client: Bool, event: [String: Any])]
        init(_ path: String) throws {
            var frames: [(t: Int, client: Bool, event: [String: Any])] = []
            for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                if let event = object["event"] as? [String: Any], let t = object["t_us"] as? Int {
                    frames.append((t, object["dir"] as? String == "c2s", event))
                }
            }
            all = frames
        }
        func type(_ k: Int) -> String { all[k].event["type"] as? String ?? "" }

        /// The barge-in as the client made it: milliseconds from the first audio delta of the
        /// response the user interrupted (the one active at the server's `speech_started`) to the
        /// client's first append after that delta, and to `speech_started` itself.
        var bargeIn: (clientMs: Double, serverMs: Double)? {
            var firstAudio: [String: Int] = [:]
            var active: String?
            var firstAppendAfter: [String: Int] = [:]
            for (k, f) in all.enumerated() {
                let type = type(k)
                if type == "response.created" { active = (f.event["response"] as? [String: Any])?["id"] as? String }
                if type == "response.done" { active = nil }
                if type == "response.audio.delta" || type == "response.output_audio.delta",
                    let id = f.event["response_id"] as? String, firstAudio[id] == nil
                {
                    firstAudio[id] = f.t
                }
                if f.client, type == "input_audio_buffer.append", let id = active, firstAudio[id] != nil,
                    firstAppendAfter[id] == nil
                {
                    firstAppendAfter[id] = f.t
                }
                if type == "input_audio_buffer.speech_started", let id = active, let start = firstAudio[id],
                    let append = firstAppendAfter[id]
                {
                    return (Double(append - start) / 1000, Double(f.t - start) / 1000)
                }
            }
            return nil
        }

        /// Call ids the server named, and the call ids the client's function_call_outputs answered.
        var calls: (named: [String], answered: [String]) {
            var named: [String] = []
            var answered: [String] = []
            for (k, f) in all.enumerated() {
                if !f.client, type(k) == "response.function_call_arguments.done", let id = f.event["call_id"] as? String
                {
                    named.append(id)
                }
                if f.client, let item = f.event["item"] as? [String: Any],
                    item["type"] as? String == "function_call_output",
                    let id = item["call_id"] as? String
                {
                    answered.append(id)
                }
            }
            return (named, answered)
        }
    }

    static func demo(_ folder: String) throws -> String {
        let demo = try CLI.run(["demo", "--no-view", "--out", folder])
        #expect(demo.status == 0)
        let file = try #require(
            try FileManager.default.contentsOfDirectory(atPath: folder).first { $0.hasSuffix(".jsonl") })
        return "\(folder)/\(file)"
    }

    @Test func aReplayAgainstServeHasNoStructureToolOrFindingDifferences() throws {
        let folder = CLI.temporaryPath("replay")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let baseline = try Self.demo(folder)
        let replayed = "\(folder)/again.jsonl"
        let replay = try CLI.run(["replay", baseline, "--serve", "--out", replayed])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stdout.contains("wrote \(replayed)"))

        let diff = try CLI.run(["diff", baseline, replayed, "--json", "--fail-on", "structure,tools,findings"])
        #expect(diff.status == 0, "\(diff.stdout)\(diff.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(diff.stdout.utf8)) as? [String: Any])
        let classes = try #require(report["classes"] as? [String: Int])
        #expect(classes["structure"] == 0 && classes["tools"] == 0 && classes["findings"] == 0)
        #expect((report["responses"] as? [String: Int])?["b"] == (report["responses"] as? [String: Int])?["a"])

        // The function call was answered with the new session's call id.
        let (a, b) = (try Frames(baseline), try Frames(replayed))
        #expect(!b.calls.named.isEmpty)
        #expect(b.calls.answered == b.calls.named)
        #expect(a.calls.answered.count == b.calls.answered.count)

        // The barge-in lands at the same point of the answer's audio, within 20 ms: the client's
        // interrupting audio as recorded (the server's speech_started follows it, on a loaded
        // machine with the server's own scheduling added).
        let recorded = try #require(a.bargeIn)
        let again = try #require(b.bargeIn)
        #expect(
            abs(recorded.clientMs - again.clientMs) <= 20,
            "client: recorded \(recorded.clientMs) ms, replayed \(again.clientMs) ms; speech_started: \(recorded.serverMs) / \(again.serverMs) ms"
        )

        // The side-by-side text view says so, class by class.
        let text = try CLI.run(["diff", baseline, replayed])
        #expect(text.status == 0)
        #expect(text.stdout.contains("structure: same · status: same · tools: same"))
    }

    @Test func anInjectedFaultIsCaughtAndItsClassNamed() throws {
        let folder = CLI.temporaryPath("replay-fault")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let baseline = try Self.demo(folder)
        let replayed = "\(folder)/faulty.jsonl"
        let replay = try CLI.run([
            "replay", baseline, "--serve", "--fault", "drop-response-done", "--wait-limit", "0.5", "--out", replayed,
        ])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stderr.contains("gave up waiting for response.done"))
        let diff = try CLI.run(["diff", baseline, replayed, "--fail-on", "structure,tools,findings"])
        #expect(diff.status == 1)
        #expect(diff.stderr.contains("FAILED structure"))
        #expect(diff.stderr.contains("FAILED findings"))
        // The side-by-side view marks the missing response.done as only in A.
        #expect(diff.stdout.split(separator: "\n").contains { $0.contains("response.done") && $0.hasSuffix("< ") })
        #expect(replay.stderr.components(separatedBy: "gave up waiting for response.done #1 ").count == 2)
        // Only the named classes gate: the same diff passes when only tools are named.
        #expect(try CLI.run(["diff", baseline, replayed, "--fail-on", "tools"]).status == 0)
    }

    @Test func regressionTestWritesJUnitAndMarkdownAndCatchesAFault() throws {
        let folder = CLI.temporaryPath("regression")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let results = "\(folder)/results"
        let baselines = "\(folder)/baselines"
        try FileManager.default.createDirectory(atPath: baselines, withIntermediateDirectories: true)
        // A baseline recorded through the recorder (the function-call sample replayed against serve).
        try FileManager.default.copyItem(
            atPath: CLI.repoRoot.appendingPathComponent("recordings/regression/function-call.jsonl").path,
            toPath: "\(baselines)/function-call.jsonl")

        let pass = try CLI.run(["test", baselines, "--serve", "--results", results])
        #expect(pass.status == 0, "\(pass.stdout)\(pass.stderr)")
        #expect(pass.stdout.contains("1 of 1 recording passed"))
        #expect(pass.stdout.hasPrefix("## rtscope test"))  // the summary alone: no recorder console lines
        let junit = try String(contentsOfFile: "\(results)/junit.xml", encoding: .utf8)
        #expect(junit.components(separatedBy: "<testcase ").count - 1 == 7)
        #expect(junit.contains("name=\"structure\"") && !junit.contains("<failure"))
        #expect(FileManager.default.fileExists(atPath: "\(results)/summary.md"))
        #expect(FileManager.default.fileExists(atPath: "\(results)/function-call.replay.jsonl"))

        let fail = try CLI.run([
            "test", baselines, "--serve", "--fault", "drop-response-done", "--wait-limit", "0.5", "--results", results,
        ])
        #expect(fail.status == 1)
        let failed = try String(contentsOfFile: "\(results)/junit.xml", encoding: .utf8)
        #expect(failed.contains("<failure message=\"--fail-on structure"))
    }

    /// `--against` a `rtscope serve` that requires a key: the key comes from the environment, is
    /// never written, and a refused session exits 69 with one sentence.
    @Test func againstAServerTheKeyComesFromTheEnvironmentAndIsNeverWritten() throws {
        let folder = CLI.temporaryPath("against")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = Process()
        server.executableURL = CLI.binary
        server.arguments = ["serve", "--listen", "127.0.0.1:0", "--require-key", "sk-test-NEVERWRITTEN"]
        let output = Pipe()
        server.standardOutput = output
        server.standardError = output
        try server.run()
        defer { server.terminate() }
        // The first line names the port: "rtscope serve: listening on ws://127.0.0.1:PORT (…)".
        var line = Data()
        while !line.contains(0x0A), let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty {
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        let url = try #require(text.split(separator: " ").first { $0.hasPrefix("ws://") }.map(String.init))

        let out = "\(folder)/against.jsonl"
        let ok = try CLI.run(
            ["replay", "recordings/regression/ga-text-session.jsonl", "--against", url, "--out", out],
            environment: ["OPENAI_API_KEY": "sk-test-NEVERWRITTEN"])
        #expect(ok.status == 0, "\(ok.stderr)")
        let recorded = try String(contentsOfFile: out, encoding: .utf8)
        #expect(
            !recorded.contains("NEVERWRITTEN") && !ok.stdout.contains("NEVERWRITTEN")
                && !ok.stderr.contains("NEVERWRITTEN"))
        let diff = try CLI.run([
            "diff", "recordings/regression/ga-text-session.jsonl", out, "--fail-on", "structure,status,tools,findings",
        ])
        #expect(diff.status == 0, "\(diff.stdout)")

        let refused = try CLI.run(
            [
                "replay", "recordings/regression/ga-text-session.jsonl", "--against", url, "--out",
                "\(folder)/refused.jsonl",
            ],
            environment: ["OPENAI_API_KEY": "sk-wrong"])
        #expect(refused.status == 69)
        #expect(refused.stderr.contains("HTTP 401"))
    }

    @Test func nothingToReplayAndBadArgumentsUseTheCommonExitCodes() throws {
        // Hand-made fixture: a header and one server event, as a WebRTC import has no client side.
        let path = CLI.temporaryPath("server-only.jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lines = [
            #"{"format":"rtscope-recording","version":1,"created":"2026-11-25T09:00:00Z","tool":"test","source":"import"}"#,
            #"{"seq":1,"t_us":1000,"dir":"s2c","op":"text","event":{"type":"session.created","event_id":"e1","session":{"id":"s1"}}}"#,
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let nothing = try CLI.run(["replay", path, "--serve"])
        #expect(nothing.status == 65)
        #expect(nothing.stderr.contains("nothing to replay"))
        #expect(nothing.stderr.split(separator: "\n").count == 1)

        #expect(try CLI.run(["replay", "recordings/function-call.jsonl"]).status == 64)
        #expect(try CLI.run(["replay", "/nonexistent.jsonl", "--serve"]).status == 66)
        #expect(try CLI.run(["diff", "recordings/function-call.jsonl", "/nonexistent.jsonl"]).status == 66)
        let bad = try CLI.run([
            "diff", "recordings/function-call.jsonl", "recordings/errors.jsonl", "--fail-on", "tonality",
        ])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("unknown difference class"))
        // Two different sessions: their differences are named, and gate when asked.
        let differ = try CLI.run([
            "diff", "recordings/function-call.jsonl", "recordings/text-in-text-out.jsonl", "--fail-on", "tools",
        ])
        #expect(differ.status == 1)
        #expect(differ.stderr.contains("FAILED tools"))
        let markdown = try CLI.run([
            "diff", "--markdown", "recordings/function-call.jsonl", "recordings/text-in-text-out.jsonl",
        ])
        #expect(markdown.status == 0)
        #expect(markdown.stdout.hasPrefix("## rtscope diff") && markdown.stdout.contains("| tools | 1 |"))
        #expect(
            try CLI.run(["diff", "--json", "--markdown", "recordings/errors.jsonl", "recordings/errors.jsonl"]).status
                == 64)
    }

    @Test func anEmptySideIsNamedOnStandardError() throws {
        let empty = CLI.temporaryPath("empty") + ".jsonl"
        defer { try? FileManager.default.removeItem(atPath: empty) }
        FileManager.default.createFile(atPath: empty, contents: Data())
        let result = try CLI.run(["diff", empty, "recordings/text-in-text-out.jsonl"])
        #expect(result.stderr.contains("holds no events"))
        let same = try CLI.run(["diff", "recordings/text-in-text-out.jsonl", "recordings/text-in-text-out.jsonl"])
        #expect(!same.stderr.contains("holds no events"))
    }
}
