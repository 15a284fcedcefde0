import Foundation
import Testing

struct EventsCommandTests {
    @Test func listsTheCatalogAsATable() throws {
        let result = try CLI.run(["events"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("response.text.delta"))
        #expect(result.stdout.contains("response.text.delta → response.output_text.delta"))
        #expect(result.stdout.contains("69 events"))  // 66, and three older names of output_audio_buffer events
        #expect(result.stdout.contains("output_audio_buffer.audio_started"))
    }

    @Test func jsonListsFieldsWithTypesAndEnums() throws {
        let result = try CLI.run(["events", "--json", "--type", "response.done"])
        let array = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(array.count == 1)
        let required = try #require(array[0]["required"] as? [[String: Any]])
        let status = try #require(required.first { $0["path"] as? String == "response.status" })
        #expect(status["allowed"] as? [String] == ["in_progress", "completed", "cancelled", "failed", "incomplete"])
        #expect(array[0]["direction"] as? String == "server")
    }

    @Test func filtersByDialectAndDirection() throws {
        let ga = try CLI.run(["events", "--dialect", "ga", "--dir", "server", "--json"])
        let names = try #require(try JSONSerialization.jsonObject(with: Data(ga.stdout.utf8)) as? [[String: Any]])
            .compactMap {
                $0["name"] as? String
            }
        #expect(names.contains("response.output_text.delta"))
        #expect(!names.contains("response.text.delta"))
        #expect(!names.contains("session.update"))
    }
}

struct ImportCommandTests {
    static let fixtures = "Tests/RealtimeRecordingTests/Fixtures/imports"

    @Test func writesOneRecordingPerHARConnection() throws {
        let out = CLI.temporaryPath("har.jsonl")
        let result = try CLI.run(["import", "\(Self.fixtures)/devtools.har", "-o", out])
        #expect(result.status == 0)
        let first = out.replacingOccurrences(of: ".jsonl", with: ".1.jsonl")
        let second = out.replacingOccurrences(of: ".jsonl", with: ".2.jsonl")
        defer { for p in [first, second] { try? FileManager.default.removeItem(atPath: p) } }
        #expect(result.stderr.contains("wrote \(first): 5 frames from har connection har-0"))
        #expect(FileManager.default.fileExists(atPath: second))
        let text = try String(contentsOfFile: first, encoding: .utf8)
        #expect(!text.contains("SECRET"))
        #expect(try CLI.run(["cat", "--count", first]).stdout == "5\n")
    }

    @Test func refusesToOverwriteWithoutForce() throws {
        let out = CLI.temporaryPath("events.jsonl")
        defer { try? FileManager.default.removeItem(atPath: out) }
        #expect(try CLI.run(["import", "\(Self.fixtures)/events.jsonl", "-o", out]).status == 0)
        let again = try CLI.run(["import", "\(Self.fixtures)/events.jsonl", "-o", out])
        #expect(again.status == 73)
        #expect(again.stderr.contains("already exists; pass --force"))
        #expect(try CLI.run(["import", "\(Self.fixtures)/events.jsonl", "-o", out, "--force"]).status == 0)
    }

    @Test func reportsSkippedLinesAndInferredDirections() throws {
        let result = try CLI.run(["import", "\(Self.fixtures)/events.jsonl", "-o", "-"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("3 with inferred direction"))
        #expect(result.stderr.contains("warning: line 3: skipped, not a JSON object"))
        #expect(result.stdout.split(separator: "\n").count == 4)
    }

    @Test func rejectsARecordingAndNonsense() throws {
        let recording = try CLI.run(["import", "recordings/errors.jsonl", "-o", "-"])
        #expect(recording.status == 65)
        #expect(recording.stderr.contains("already an rtscope recording"))
        let nonsense = try CLI.run(["import", "Package.swift", "-o", "-"])
        #expect(nonsense.status == 65)
    }
}
