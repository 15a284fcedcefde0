import Foundation
import RealtimeProtocol
import Testing

@testable import RealtimeRecording
@testable import RealtimeValidation

/// The schema check finds each catalog field through `SchemaPlan` (one pass over each object of the event); these
/// compare it with a walk of each field's dot path from the event, which is what the check did before.
struct SchemaPlanTests {
    /// The node of every field by path lookup: -2 when the parent is absent or not an object, -1 when absent, else the
    /// node (the reference the plan must agree with).
    static func nodesByPath(_ object: JSONValue, _ spec: EventSpec) -> [Int32] {
        spec.fields.map { field in
            if let parent = field.parent {
                guard let p = object.value(at: parent), p.isObject else { return -2 }
            }
            guard let found = object.value(at: field.path) else { return -1 }
            return found.index
        }
    }

    /// Every event of `session` whose type the catalog knows: the plan finds the fields the path lookups find.
    static func expectSameNodes(_ session: Session, _ label: String) {
        var nodes: [Int32] = []
        var scratch: [[Int32]] = []
        for rec in session.recs {
            guard let object = rec.obj.flatMap(tape), let type = object["type"]?.string,
                let spec = EventCatalog.standard.spec(for: type)
            else { continue }
            let plan = SessionValidator.SchemaPlan(spec.fields)
            SessionValidator.findSchemaNodes(object, plan, into: &nodes, scratch: &scratch)
            #expect(Array(nodes.prefix(spec.fields.count)) == nodesByPath(object, spec), "\(label): \(type)")
        }
    }

    @Test(arguments: Samples.all)
    func thePlanFindsWhatPathLookupsFindInEverySample(_ name: String) throws {
        Self.expectSameNodes(try Session.load(name), name)
    }

    @Test(arguments: faultCorpus)
    func thePlanFindsWhatPathLookupsFindInEveryMutation(_ mutation: Mutation) throws {
        var session = try Session.load(mutation.sample)
        mutation.apply(&session)
        Self.expectSameNodes(session, mutation.name)
    }

    /// Hand-made events (the JSON text written here): a parent that is not an object hides its children, a nested
    /// parent's children are found, the last of a repeated key counts, and an escaped allowed value is decoded before
    /// it is judged.
    @Test func edgeCasesAgreeWithPathLookupsAndGiveTheSameFindings() throws {
        let spec = try #require(EventCatalog.standard.spec(for: "response.done"))
        let plan = SessionValidator.SchemaPlan(spec.fields)
        let texts = [
            #"{"type":"response.done","event_id":"e1","response":"not an object"}"#,
            #"{"type":"response.done","event_id":"e1","response":{"id":"r","status":"completed","#
                + #""status_details":{"type":"bogus","reason":"client_cancelled"}}}"#,
            #"{"type":"response.done","event_id":"e1","response":{"id":"r","status":"failed","status":"completed"}}"#,
            #"{"type":"response.done","event_id":"e1","response":{"id":"r","status":"c\u006fmpleted"}}"#,
            #"{"type":"response.done","event_id":"e1","response":{"id":"r","status":"complete\u0064x"}}"#,
            #"{"type":"response.done","event_id":"e1"}"#,
        ]
        var nodes: [Int32] = []
        var scratch: [[Int32]] = []
        for text in texts {
            let object = try #require(JSONTape.parse(Array(text.utf8)))
            SessionValidator.findSchemaNodes(object, plan, into: &nodes, scratch: &scratch)
            #expect(Array(nodes.prefix(spec.fields.count)) == Self.nodesByPath(object, spec), "\(text)")
        }
        // The findings of the schema rules on these events.
        func schemaFindings(_ text: String) -> [String] {
            var validator = SessionValidator()
            let object = JSONTape.parse(Array(text.utf8))
            let findings = validator.consume(
                ValidatorEvent(line: 2, index: 1, tUs: 0, direction: .serverToClient, opcode: .text, object: object))
            let schemaRules: Set = [
                RuleInfo.requiredFieldMissing.id, RuleInfo.fieldTypeMismatch.id, RuleInfo.fieldValueNotAllowed.id,
            ]
            return findings.filter { schemaRules.contains($0.rule) }.map { "\($0.rule) \($0.message)" }
        }
        #expect(schemaFindings(texts[0]) == ["field-type-mismatch response.done.response has the wrong JSON type."])
        #expect(
            schemaFindings(texts[1]) == [
                "field-value-not-allowed response.done.response.status_details.type has an undocumented value."
            ])
        #expect(schemaFindings(texts[2]).isEmpty)  // the last "status" (completed) counts
        #expect(schemaFindings(texts[3]).isEmpty)  // "c\u006fmpleted" is "completed"
        #expect(
            schemaFindings(texts[4]) == [
                "field-value-not-allowed response.done.response.status has an undocumented value."
            ])
        #expect(schemaFindings(texts[5]) == ["required-field-missing response.done has no response."])
    }
}
