import Foundation
import Testing

struct CatCommandTests {
    @Test func printsOneHumanLinePerFrame() throws {
        let result = try CLI.run(["cat", "recordings/text-in-text-out.jsonl"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 23)
        #expect(lines[0].contains("0.000") && lines[0].contains("←  session.created"))
        #expect(lines[2].contains("+5.000 →  session.update"))  // after beta's conversation.created
        #expect(
            lines.contains {
                $0.contains("response.text.done") && $0.contains("\"The capital of Sweden is Stockholm.\"")
            })
        #expect(result.stderr.isEmpty)
    }

    @Test func foldsDeltasIntoOneLine() throws {
        let result = try CLI.run(["cat", "--fold-deltas", "--type", "response.*", "recordings/text-in-text-out.jsonl"])
        #expect(result.stdout.contains("response.text.delta ×7"))
        #expect(result.stdout.contains("\"The capital of Sweden is Stockholm.\" over 84.000 ms"))
        #expect(!result.stdout.contains("session"))
    }

    @Test func countsAndFiltersLikeTheReaderDoes() throws {
        #expect(try CLI.run(["cat", "--count", "recordings/audio-vad.jsonl"]).stdout == "41\n")  // 42 lines - header
        #expect(try CLI.run(["cat", "--count", "--dir", "client", "recordings/audio-vad.jsonl"]).stdout == "9\n")
        #expect(
            try CLI.run(["cat", "--count", "--type", "response.*.delta", "recordings/audio-vad.jsonl"]).stdout == "14\n"
        )
        #expect(
            try CLI.run(["cat", "--count", "--call", "call_7xZq2", "recordings/function-call.jsonl"]).stdout == "11\n")
    }

    @Test func jsonlOutputIsAValidRecordingOfTheSelection() throws {
        let selected = try CLI.run(["cat", "--jsonl", "--type", "error", "recordings/errors.jsonl"])
        #expect(selected.status == 0)
        let lines = selected.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix(#"{"format":"rtscope-recording","version":1"#))
        // Frame lines are the original bytes.
        let original = try String(
            contentsOfFile: CLI.repoRoot.appendingPathComponent("recordings/errors.jsonl").path, encoding: .utf8)
        #expect(lines.dropFirst().allSatisfy { original.contains(String($0)) })
        // And the output reads back through a pipe.
        let again = try CLI.run(["cat", "--count", "-"], stdin: Data(selected.stdout.utf8))
        #expect(again.stdout == "2\n")
        #expect(again.stderr.isEmpty)
    }

    @Test func jsonlRefusesAHAROfSeveralConnectionsWithAHint() throws {
        let har = "Tests/RealtimeRecordingTests/Fixtures/imports/devtools.har"  // two WebSocket entries
        let result = try CLI.run(["cat", "--jsonl", har])
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("2 WebSocket connections (har-0, har-2)"))
        #expect(result.stderr.contains("rtscope import \(har) -o OUT.jsonl"))
        // The human listing and the count still read every connection.
        #expect(try CLI.run(["cat", "--count", har]).stdout == "6\n")
    }

    @Test func reportsBadLinesOnStandardErrorAndKeepsGoing() throws {
        let result = try CLI.run(["cat", "Tests/RealtimeRecordingTests/Fixtures/invalid-lines.jsonl"])
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").count == 2)
        #expect(result.stderr.contains("invalid-lines.jsonl:3: error: invalid JSON"))
        #expect(result.stderr.contains("invalid-lines.jsonl:4: error: invalid JSON: invalid UTF-8"))
        #expect(result.stderr.contains("invalid-lines.jsonl:6: error: valid JSON but not a recording frame"))
    }

    @Test func neverPrintsRawControlCharactersFromPayloads() throws {
        let path = CLI.temporaryPath("hostile.jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let hostile =
            #"{"seq":1,"t_us":0,"dir":"s2c","op":"text","event":{"type":"response.text.delta","delta":"\u001b[2J\u001b]0;owned\u0007"}}"#
            + "\n" + #"{"seq":2,"t_us":1,"dir":"s2c","op":"text","text":"\u001b[31mred"}"# + "\n"
        try hostile.write(toFile: path, atomically: true, encoding: .utf8)
        for args in [["cat", path], ["cat", "--fold-deltas", path]] {
            let result = try CLI.run(args)
            #expect(!result.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
            #expect(result.stdout.contains("\\e[2J"))
        }
    }

    @Test func readsImportableLogsDirectly() throws {
        let result = try CLI.run(["cat", "Tests/RealtimeRecordingTests/Fixtures/imports/wrapped.jsonl"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("←  session.created"))
        #expect(result.stdout.contains("250.000"))
        let inferred = try CLI.run(["cat", "Tests/RealtimeRecordingTests/Fixtures/imports/events-array.json"])
        #expect(inferred.stdout.contains("→? session.update"))
    }

    @Test func missingFileIsAOneSentenceErrorWithExitCode66() throws {
        let result = try CLI.run(["cat", "no/such/file.jsonl"])
        #expect(result.status == 66)
        #expect(result.stderr == "rtscope: no/such/file.jsonl: cannot open: No such file or directory.\n")
    }

    @Test func badArgumentsAreUsageErrors() throws {
        #expect(try CLI.run(["cat", "--jsonl", "--count", "recordings/errors.jsonl"]).status == 64)
        #expect(try CLI.run(["cat", "--dir", "sideways", "recordings/errors.jsonl"]).status == 64)
    }

    @Test func foldedDeltasKeepTheInferredMarkAndUntimedLogsShowNoTimes() throws {
        // Hand-made bare event log (no directions, no timestamps), three text deltas of one stream.
        let delta = { (text: String) in
            #"{"type":"response.output_text.delta","event_id":"event_\#(text)","response_id":"resp_1","item_id":"item_1","output_index":0,"content_index":0,"delta":"\#(text)"}"#
        }
        let log =
            [#"{"type":"session.created","event_id":"event_0","session":{"model":"gpt-realtime"}}"#]
            + ["a", "b", "c"].map(delta)
        let result = try CLI.run(["cat", "--fold-deltas", "-"], stdin: Data((log.joined(separator: "\n") + "\n").utf8))
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[1].contains("←? response.output_text.delta ×3"))
        #expect(lines[1].contains(#""abc""#))
        #expect(!result.stdout.contains("over"))
        #expect(!result.stdout.contains("0.000"))
        #expect(lines[0].hasPrefix("         -          - ←? session.created"))
        #expect(result.stderr.contains("no timing in source"))
    }
}
