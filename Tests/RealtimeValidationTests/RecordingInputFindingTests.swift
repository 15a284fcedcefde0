import Foundation
import RealtimeProtocol
import RealtimeRecording
import Testing

@testable import RealtimeValidation

/// Findings about damaged or unusual inputs, from files written to a temporary directory.
struct RecordingInputFindingTests {
    static func temporary(_ bytes: [UInt8], _ ext: String = "jsonl") -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-\(UUID()).\(ext)").path
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    @Test func aFlippedByteInTheHeaderGivesAReaderHeaderFindingAndTheFramesAreValidated() throws {
        var bytes = Array(FileManager.default.contents(atPath: Samples.path("barge-in.jsonl")) ?? Data())
        let clean = try ValidationRun.validate(path: Samples.path("barge-in.jsonl"))
        let at = try #require(String(decoding: bytes, as: UTF8.self).range(of: "\"version\":1")).lowerBound
        bytes[at.utf16Offset(in: String(decoding: bytes, as: UTF8.self)) + 10] = UInt8(ascii: "x")
        let path = Self.temporary(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let report = try ValidationRun.validate(path: path)
        #expect(report.frames == clean.frames)
        #expect(report.findings.filter { $0.rule == "reader.header" }.map(\.line) == [1])
        #expect(!report.findings.contains { $0.rule == "reader.invalid-json" })
    }
}

/// Logs converted from other tools may start mid-session or be cut at the end.
struct IncompleteCaptureTests {
    /// The events of a sample, as a JSONL event log (bare events, one per line), from `from` to `to` (exclusive).
    static func eventLog(_ name: String, from: Int, to: Int? = nil) throws -> [String] {
        let text = try String(contentsOfFile: Samples.path(name), encoding: .utf8)
        let events = text.split(separator: "\n").dropFirst().compactMap { line -> String? in
            guard let range = line.range(of: #""event":"#) else { return nil }
            return String(line[range.upperBound...].dropLast())
        }
        return Array(events[from..<(to ?? events.count)])
    }

    static func validate(_ lines: [String], asRecording: Bool = false) throws -> [Finding] {
        var text = lines.joined(separator: "\n") + "\n"
        if asRecording {  // the same events as a recording made by `record`: full strictness
            let header =
                #"{"format":"rtscope-recording","version":1,"created":"2026-01-01T00:00:00.000000Z","tool":"t","#
                + #""source":"proxy"}"#
            let frames = lines.enumerated().map { k, event -> String in
                let dir = event.contains(#""event_id":"evt_"#) ? "c2s" : "s2c"
                return #"{"seq":\#(k + 1),"t_us":0,"dir":"\#(dir)","op":"text","event":\#(event)}"#
            }
            text = ([header] + frames).joined(separator: "\n") + "\n"
        }
        let path = RecordingInputFindingTests.temporary(Array(text.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try ValidationRun.validate(path: path).findings
    }

    @Test func anImportStartingMidSessionGetsNotesForWhatCameBeforeIt() throws {
        // text-in-text-out from its first delta: no session.created, response.created or items before the capture.
        let lines = try Self.eventLog("text-in-text-out.jsonl", from: 10)
        let imported = try Self.validate(lines)
        #expect(!imported.isEmpty)
        #expect(imported.allSatisfy { $0.severity == .note }, "\(imported.map(\.rule))")
        #expect(imported.allSatisfy { $0.message.contains("starts mid-session") })
        let rules = Set(imported.map(\.rule))
        #expect(rules.isSuperset(of: ["session-created-first", "response-event-outside-lifecycle"]))
        let recorded = try Self.validate(lines, asRecording: true)
        #expect(recorded.contains { $0.rule == "session-created-first" && $0.severity == .error })
        #expect(recorded.contains { $0.rule == "response-event-outside-lifecycle" && $0.severity == .error })
    }

    @Test func anImportCutMidResponseGetsANoteForTheOpenResponseOnly() throws {
        // From session.created to the first delta: the response is left open by the cut.
        let lines = try Self.eventLog("text-in-text-out.jsonl", from: 0, to: 11)
        let imported = try Self.validate(lines)
        let open = try #require(imported.first { $0.rule == "response-not-done" })
        #expect(open.severity == .note)
        #expect(open.message.contains("ends without a close frame"))
        #expect(imported.allSatisfy { $0.severity == .note })
        // Strictness stays for everything else: an unknown previous_item_id after session.created is still an error.
        var broken = lines
        broken[5] = broken[5].replacingOccurrences(
            of: #""previous_item_id":null"#, with: #""previous_item_id":"item_X""#)
        #expect(try Self.validate(broken).contains { $0.rule == "previous-item-unknown" && $0.severity == .error })
        let recorded = try Self.validate(lines, asRecording: true)
        #expect(recorded.contains { $0.rule == "response-not-done" && $0.severity == .error })
    }

    @Test func januaryTwentyTwentyFiveOutputAudioNamesAreTheCurrentEvents() throws {
        let catalog = EventCatalog.standard
        for (old, current) in EventCatalog.olderNames {
            #expect(catalog.contains(old))
            #expect(catalog.currentName(of: old) == current)
        }
        // Hand-made: the WebRTC output audio events around a response, stopped after response.done (allowed).
        var session = try Session.load("text-in-text-out.jsonl")
        let rid = "resp_T001"
        session.insert(
            .serverToClient,
            ["type": "output_audio_buffer.audio_started", "event_id": "event_OA1", "response_id": rid],
            after: "response.created")
        session.insert(
            .serverToClient,
            ["type": "output_audio_buffer.audio_stopped", "event_id": "event_OA2", "response_id": rid],
            after: "response.done")
        session.insert(
            .serverToClient,
            ["type": "output_audio_buffer.audio_cleared", "event_id": "event_OA3", "response_id": rid],
            after: "output_audio_buffer.audio_stopped")
        #expect(session.validate().isEmpty, "\(session.validate().map(\.rule))")
        // The same allowance only: started after response.done is still out of the lifecycle.
        session.move("output_audio_buffer.audio_started", 0, after: "response.done")
        #expect(session.validate().map(\.rule) == ["response-event-outside-lifecycle"])
    }
}
