import Foundation
import Testing

/// `rtscope stats` on a session recorded through `record` from the simulated server (`demo`),
/// checked against values computed here from the raw frames.
struct StatsCommandTests {
    @Test func statsOfARecordedDemoMatchTheRawFrames() throws {
        let folder = CLI.temporaryPath("stats-demo")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let demo = try CLI.run(["demo", "--no-view", "--out", folder])
        #expect(demo.status == 0)
        // The recorder's console prints one line per finished response, the voice turns by their felt latency.
        #expect(demo.stdout.contains(" turn 1 ") && demo.stdout.contains("ms from the user's stop to first audio"))
        #expect(demo.stdout.contains("tool get_weather"))
        let file = try #require(
            try FileManager.default.contentsOfDirectory(atPath: folder).first { $0.hasSuffix(".jsonl") })
        let path = "\(folder)/\(file)"

        // Raw frames, by Foundation: (t_us, direction, event).
        var frames: [(t: Int, client: Bool, event: [String: Any])] = []
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if let event = object["event"] as? [String: Any], let t = object["t_us"] as? Int {
                frames.append((t, object["dir"] as? String == "c2s", event))
            }
        }
        func type(_ f: (t: Int, client: Bool, event: [String: Any])) -> String { f.event["type"] as? String ?? "" }
        // turn_latency: speech_stopped → first output audio delta of the response created after its commit.
        var expectedTurns: [Double] = []
        for (k, f) in frames.enumerated() where type(f) == "input_audio_buffer.speech_stopped" {
            guard let commit = frames[k...].firstIndex(where: { type($0) == "input_audio_buffer.committed" }),
                let created = frames[commit...].firstIndex(where: { type($0) == "response.created" }),
                let id = (frames[created].event["response"] as? [String: Any])?["id"] as? String,
                let audio = frames[created...].first(where: {
                    type($0) == "response.output_audio.delta" && $0.event["response_id"] as? String == id
                })
            else { continue }
            expectedTurns.append(Double(audio.t - f.t) / 1000)
        }
        // response.first_text: response.create → first text delta of the next response.
        var expectedText: [Double] = []
        for (k, f) in frames.enumerated() where f.client && type(f) == "response.create" {
            guard let created = frames[k...].firstIndex(where: { type($0) == "response.created" }),
                let id = (frames[created].event["response"] as? [String: Any])?["id"] as? String,
                let text = frames[created...].first(where: {
                    type($0) == "response.output_text.delta" && $0.event["response_id"] as? String == id
                })
            else { continue }
            expectedText.append(Double(text.t - f.t) / 1000)
        }
        #expect(expectedTurns.count >= 2)
        #expect(expectedText.count >= 2)

        let result = try CLI.run(["stats", "--json", path])
        #expect(result.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let samples = try #require(((json["files"] as? [[String: Any]])?.first)?["samples"] as? [[String: Any]])
        func values(_ metric: String) -> [Double] {
            samples.filter { $0["metric"] as? String == metric }.compactMap { $0["value"] as? Double }
        }
        #expect(values("turn_latency") == expectedTurns)
        #expect(values("response.first_text") == expectedText)
        #expect(values("tool.time").count == 1)
        #expect(values("barge_in.yield").count == 1)

        // A gate below the measured p95 fails and names the metric; one above passes.
        let worst = try #require(expectedTurns.max())
        let failing = try CLI.run(["stats", "--max", "turn_latency.max=\(Int(worst) - 1)ms", path])
        #expect(failing.status == 1)
        #expect(failing.stderr.contains("FAILED turn_latency.max="))
        #expect(try CLI.run(["stats", "--max", "turn_latency.max=\(Int(worst) + 1)ms", path]).status == 0)
    }

    @Test func unknownMetricsAndUnreadableFilesUseTheCommonExitCodes() throws {
        #expect(try CLI.run(["stats", "--max", "latency=1", "recordings/audio-vad.jsonl"]).status == 64)
        #expect(try CLI.run(["stats", "README.md"]).status == 65)
        #expect(try CLI.run(["stats", "no-such.jsonl"]).status == 66)
    }

    /// Hand-made: a bundled sample with one line cut short, as a crashed writer leaves it.
    @Test func anUnreadableLineIsNamedAndTheRestIsMeasured() throws {
        let path = CLI.temporaryPath("stats-cut.jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var lines = try String(
            contentsOfFile: CLI.repoRoot.appendingPathComponent("recordings/function-call.jsonl").path, encoding: .utf8
        ).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[3] = String(lines[3].prefix(20))
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let result = try CLI.run(["stats", "--json", path])
        #expect(result.status == 0)
        #expect(result.stderr.contains("\(path):4: "))
        #expect(result.stderr.contains("rtscope validate \(path)"))
        #expect(result.stdout.contains("response.total"))
    }

    @Test func nothingReadableGivesTheErrorAndNoReport() throws {
        for format in ["--json", "--csv", "--markdown", "--format=text"] {
            let alone = try CLI.run(["stats", format, "README.md"])
            #expect(alone.status == 65, "\(format)")
            #expect(alone.stdout.isEmpty, "\(format): \(alone.stdout.prefix(200))")
            #expect(alone.stderr.contains("README.md: not a recording"))
        }
        // Beside a readable recording, the report covers that one and the exit code still names the bad input.
        let mixed = try CLI.run(["stats", "--json", "README.md", "recordings/function-call.jsonl"])
        #expect(mixed.status == 65)
        #expect(mixed.stdout.contains("function-call.jsonl"))
    }
}

struct MetricsDocTests {
    @Test func docsMetricsHoldsTheGeneratedTable() throws {
        let table = try CLI.run(["stats", "--list-metrics", "--markdown"]).stdout
        let doc = try String(
            contentsOfFile: CLI.repoRoot.appendingPathComponent("docs/metrics.md").path, encoding: .utf8)
        #expect(!table.isEmpty)
        #expect(doc.contains(table), "regenerate the table in docs/metrics.md: rtscope stats --list-metrics --markdown")
    }
}

struct StatsPaneTests {
    @Test func theTimelineShowsTheSessionsNumbersOnS() throws {
        let result = try CLI.run([
            "view", "--headless", "--size", "130x40", "--keys", "Gs", "recordings/barge-in.jsonl",
        ])
        #expect(result.status == 0)
        let screen = result.stdout
        #expect(screen.contains("── stats (s: back to the event)"))
        #expect(screen.contains("response resp_B002: completed"))
        #expect(screen.contains("turn_latency 190 ms"))  // the selected response's own turn
        #expect(screen.contains("2 responses · 2 voice turns · 0 tool calls · 1 barge-in"))
        #expect(screen.contains("turn_latency                     2    190.0    190.0    190.0 ms"))
        #expect(screen.contains("barge_in.yield                   1      5.0      5.0      5.0 ms"))
        // s again: back to the detail pane.
        let back = try CLI.run(["view", "--headless", "--size", "130x40", "--keys", "Gss", "recordings/barge-in.jsonl"])
        #expect(!back.stdout.contains("── stats"))
    }
}

struct GoToLineTests {
    static func screen(_ keys: String) throws -> String {
        try CLI.run(["view", "--headless", "--size", "100x14", "--keys", keys, "recordings/errors.jsonl"]).stdout
    }

    /// `stats` and `validate` name places as FILE:LINE; `:` in the timeline goes there.
    @Test func colonGoesToTheLineAReportNames() throws {
        #expect(try Self.screen(":33<enter>").contains("── line 33 · seq 32"))
        // Line 17 is a delta folded into the run that starts at line 15: the cursor lands on that row.
        #expect(try Self.screen(":17<enter>").contains("── line 15 · seq 14"))
        #expect(try Self.screen(":1<enter>").contains("line 1 is before the first event"))
        #expect(try Self.screen(":x1<enter>").contains("not a line number: x1"))
    }
}

struct AudioCommandTests {
    @Test func exportsTheBundledVoiceSampleAndUsesTheCommonExitCodes() throws {
        let folder = CLI.temporaryPath("audio")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try CLI.run(["audio", "recordings/barge-in.jsonl", "-o", folder])
        #expect(result.status == 0)
        #expect(result.stderr.contains("wrote \(folder)/barge-in.output.item_A301.heard.wav"))
        #expect(result.stderr.contains("wrote \(folder)/barge-in.mix.wav"))
        #expect(try CLI.run(["audio", "README.md", "-o", folder]).status == 65)
        #expect(try CLI.run(["audio", "no-such.jsonl", "-o", folder]).status == 66)
        let text = try CLI.run(["audio", "recordings/text-in-text-out.jsonl", "-o", folder, "--item", "x"])
        #expect(text.stderr.contains("holds no audio"))
    }
}
