import Foundation
import RealtimeProtocol
import RealtimeRecording
import Testing

@testable import RealtimeValidation

/// Findings appended in place (`SessionValidator.consume(_:appendingTo:)`, which `ValidationRun` uses so a file where
/// most events have a finding neither copies each finding nor allocates an array per event): the same findings as
/// `consume(_:)` returns, after whatever the array held, and the severity floor still applies.
struct FindingsInPlaceTests {
    /// The events of a sample with the rules' faults the fault corpus also uses: a repeated server event id, an
    /// unknown event type and a response event after its response.done.
    static func session() throws -> Session {
        var s = try Session.load("text-in-text-out.jsonl")
        let done = s.recs[s.at("response.done")].obj ?? [:]
        s.insert(.serverToClient, ["type": "x.unknown", "event_id": "event_unknown"], after: "session.created")
        // A response.done again (its event id repeats the first one's): two findings on one event.
        s.insert(.serverToClient, done, after: "response.done")
        return s
    }

    @Test func appendingInPlaceGivesWhatConsumeReturnsAfterWhatTheArrayHeld() throws {
        let s = try Self.session()
        let expected = s.validate()
        #expect(expected.contains { $0.rule == "server-event-id-duplicate" })
        #expect(expected.contains { $0.rule == "unknown-event-type" })
        #expect(expected.contains { $0.rule == "response-event-outside-lifecycle" })

        let earlier = Finding(rule: "earlier", severity: .note, message: "held before", line: 0, eventIndex: 0)
        var validator = SessionValidator(declaredDialect: s.dialect)
        var out = [earlier]
        for (i, rec) in s.recs.enumerated() {
            validator.consume(
                ValidatorEvent(
                    line: i + 2, index: i + 1, tUs: Int64(i) * 1000, direction: rec.dir, opcode: rec.opcode,
                    object: rec.obj.flatMap(tape)),
                appendingTo: &out)
            // Between events the validator holds no findings of its own (the next event's would follow them).
            #expect(validator.findings.isEmpty)
        }
        validator.finish(appendingTo: &out)
        #expect(out == [earlier] + expected)
    }

    @Test func theDuplicateIDFindingNamesTheEventsID() throws {
        let findings = try Self.session().validate()
        let duplicate = try #require(findings.first { $0.rule == "server-event-id-duplicate" })
        #expect(duplicate.eventID != nil)
        #expect(duplicate.eventID == duplicate.actual)
        #expect(duplicate.message == "The server event_id \(duplicate.actual ?? "") was already used.")
    }

    @Test func theSeverityFloorDropsWhatTheValidatorAppended() throws {
        let path = try FindingVolumeTests.manyFindings(3000)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let all = try ValidationRun.validate(path: path, excerpts: .none)
        #expect(Set(all.findings.map(\.severity)).count > 1)
        for floor in [Severity.note, .warning, .error] {
            let floored = try ValidationRun.validate(
                path: path, selection: RuleSelection(minimumSeverity: floor), excerpts: .none)
            #expect(floored.findings == all.findings.filter { $0.severity >= floor })
        }
    }
}
