import Foundation
import RealtimeProtocol
import RealtimeRecording
import Testing

@testable import RealtimeValidation

struct ValidatorBasicsTests {
    @Test func everyNameTheRulesUseIsInTheCatalog() {
        for name in EventNames.all { #expect(EventCatalog.standard.contains(name), "\(name)") }
    }

    @Test func ruleIDsAreUniqueKebabCase() {
        let ids = RuleCatalog.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(id.range(of: #"^(reader\.)?[a-z0-9]+(-[a-z0-9]+)*$"#, options: .regularExpression) != nil, "\(id)")
        }
    }

    @Test(arguments: Samples.all)
    func sampleValidatesWithoutErrors(_ name: String) throws {
        let report = try ValidationRun.validate(path: Samples.path(name))
        #expect(report.count(.error) == 0, "\(report.findings.filter { $0.severity == .error })")
        #expect(report.frames > 0)
    }

    @Test func cleanSamplesHaveNoWarningsEitherExceptTheErrorsSample() throws {
        for name in Samples.all where name != "errors.jsonl" {
            let report = try ValidationRun.validate(path: Samples.path(name))
            #expect(report.findings.isEmpty, "\(name): \(report.findings.map(\.rule))")
        }
        let errors = try ValidationRun.validate(path: Samples.path("errors.jsonl"))
        #expect(errors.findings.map(\.rule) == ["response-create-while-active", "server-error", "server-error"])
        #expect(errors.findings[1].related.first?.line == 13)  // the error names the response.create it answers
    }

    @Test func consumeReturnsFindingsAsTheyHappen() {
        var validator = SessionValidator()
        let first = validator.consume(
            ValidatorEvent(
                line: 2, index: 1, tUs: 0, direction: .serverToClient, opcode: .text,
                object: tape([
                    "type": "response.created", "event_id": "e1", "response": ["id": "r1", "status": "in_progress"],
                ])))
        #expect(first.map(\.rule) == ["session-created-first"])
        #expect(validator.finish().map(\.rule) == ["response-not-done"])
    }
}
