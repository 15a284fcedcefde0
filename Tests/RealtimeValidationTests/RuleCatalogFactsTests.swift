import Foundation
import RealtimeProtocol
import RealtimeRecording
import Testing

@testable import RealtimeValidation

/// Rules read protocol facts from the catalog they are given, not from copies of its lists.
struct RuleCatalogFactsTests {
    /// The standard catalog, with one more value allowed for response.done's `response.status_details.type`.
    static func catalogAllowingTerminalStatus(_ extra: String) throws -> EventCatalog {
        let events = EventCatalog.standard.events.map { spec -> EventSpec in
            guard spec.name == EventNames.responseDone else { return spec }
            let fields = spec.fields.map { field -> FieldSpec in
                guard field.path == "response.status_details.type" else { return field }
                return FieldSpec(
                    path: field.path, kinds: field.kinds, required: field.required, nullable: field.nullable,
                    allowed: (field.allowed ?? []) + [extra])
            }
            return EventSpec(
                name: spec.name, direction: spec.direction, dialects: spec.dialects, family: spec.family,
                fields: fields, ids: spec.ids, summary: spec.summary, answers: spec.answers, stream: spec.stream,
                transport: spec.transport, note: spec.note)
        }
        return EventCatalog(events: events)
    }

    /// `response-status-invalid` takes the statuses a response may end with from the catalog.
    @Test func responseStatusInvalidFollowsTheCatalogsTerminalStatuses() throws {
        var session = try Session.load("text-in-text-out.jsonl")
        session.edit("response.done") { $0.set("response.status", "paused") }
        func statusFindings(_ catalog: EventCatalog) -> [String] {
            var validator = SessionValidator(catalog: catalog, declaredDialect: session.dialect)
            var findings: [Finding] = []
            for (i, rec) in session.recs.enumerated() {
                findings += validator.consume(
                    ValidatorEvent(
                        line: i + 2, index: i + 1, tUs: 0, direction: rec.dir, opcode: rec.opcode,
                        object: rec.obj.flatMap(tape)))
            }
            return findings.filter { $0.rule == RuleInfo.responseStatusInvalid.id }.map(\.message)
        }
        let standard = statusFindings(.standard)
        #expect(standard.count == 1)
        #expect(standard.first?.hasSuffix("has status paused.") == true)
        #expect(statusFindings(try Self.catalogAllowingTerminalStatus("paused")).isEmpty)
        // The expected list in the finding is the catalog's, in its order.
        #expect(
            SessionValidator.terminalStatuses(.standard) == ["completed", "cancelled", "incomplete", "failed"])
    }
}
