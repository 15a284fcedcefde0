import Foundation
import RealtimeProtocol
import RealtimeRecording
import Testing

@testable import RealtimeValidation

/// A named change to a clean sample and the rule that must catch it.
struct Mutation: CustomTestStringConvertible, Sendable {
    let name: String
    let sample: String
    let rule: String
    let apply: @Sendable (inout Session) -> Void

    var testDescription: String { "\(rule): \(name)" }
}

private let text = "text-in-text-out.jsonl"
private let vad = "audio-vad.jsonl"
private let fn = "function-call.jsonl"
private let barge = "barge-in.jsonl"
private let ga = "ga-text-session.jsonl"

/// The fault corpus: every rule of `RuleCatalog` (but the reader's, tested on bytes below) is
/// caught by at least one of these.
let faultCorpus: [Mutation] = [
    Mutation(name: "payload not a JSON object", sample: text, rule: "event-not-json-object") { $0.recs[3].obj = nil },
    Mutation(name: "a frame replaced by the recorder's error line", sample: text, rule: "transport-error") {
        $0.recs[3] = Rec(dir: .clientToServer, obj: nil, opcode: .error)
    },
    Mutation(name: "misspelled type", sample: text, rule: "unknown-event-type") {
        $0.edit("response.text.delta", 2) { $0["type"] = "response.text.deltas" }
    },
    Mutation(name: "server event sent by the client", sample: text, rule: "unknown-event-type") {
        $0.recs[$0.at("response.done")].dir = .clientToServer
    },
    Mutation(name: "delta without delta", sample: text, rule: "required-field-missing") {
        $0.edit("response.text.delta") { $0["delta"] = nil }
    },
    Mutation(name: "output_index as a string", sample: text, rule: "field-type-mismatch") {
        $0.edit("response.output_item.added") { $0["output_index"] = "0" }
    },
    Mutation(name: "unknown role", sample: text, rule: "field-value-not-allowed") {
        $0.edit("conversation.item.create") { $0.set("item.role", "robot") }
    },
    Mutation(name: "server event without event_id", sample: text, rule: "server-event-id-missing") {
        $0.edit("response.text.done") { $0["event_id"] = nil }
    },
    Mutation(name: "duplicate server event_id", sample: text, rule: "server-event-id-duplicate") {
        $0.edit("response.text.delta", 3) { $0["event_id"] = "event_TXT0001" }
    },
    Mutation(name: "duplicate client event_id", sample: text, rule: "client-event-id-invalid") {
        $0.edit("response.create") { $0["event_id"] = "evt_client_1" }
    },
    Mutation(name: "remove session.created", sample: text, rule: "session-created-first") {
        $0.remove("session.created")
    },
    Mutation(name: "second session.created", sample: text, rule: "session-created-once") {
        var copy = $0.recs[0].obj ?? [:]
        copy["event_id"] = "event_again"
        $0.insert(.serverToClient, copy, after: "response.done")
    },
    Mutation(name: "GA delta in a beta session", sample: text, rule: "dialect-mixed") {
        $0.edit("response.text.delta", 1) { $0["type"] = "response.output_text.delta" }
    },
    Mutation(name: "beta delta in a GA session", sample: ga, rule: "dialect-mixed") {
        $0.edit("response.output_text.delta", 1) { $0["type"] = "response.text.delta" }
    },
    Mutation(name: "reorder a delta after response.done", sample: text, rule: "response-event-outside-lifecycle") {
        $0.move("response.text.delta", 6, after: "response.done")
    },
    Mutation(name: "drop response.done", sample: text, rule: "response-not-done") { $0.remove("response.done") },
    Mutation(name: "done still in progress", sample: text, rule: "response-status-invalid") {
        $0.edit("response.done") { $0.set("response.status", "in_progress") }
    },
    Mutation(name: "reason that does not fit", sample: barge, rule: "response-status-invalid") {
        $0.edit("response.done") { $0.set("response.status_details.reason", "max_output_tokens") }
    },
    Mutation(name: "second response while the first is active", sample: text, rule: "response-overlap") {
        var created = $0.recs[$0.at("response.created")].obj ?? [:]
        created.set("response.id", "resp_OTHER")
        created["event_id"] = "event_other"
        $0.insert(.serverToClient, created, after: "response.created")
    },
    Mutation(name: "output index skips", sample: fn, rule: "output-index-sequence") {
        $0.edit("response.output_item.added", 1) { $0["output_index"] = 1 }
    },
    Mutation(name: "drop output_item.done", sample: text, rule: "output-item-not-closed") {
        $0.remove("response.output_item.done")
    },
    Mutation(name: "drop content_part.done", sample: text, rule: "output-item-not-closed") {
        $0.remove("response.content_part.done")
    },
    Mutation(name: "response.done lists another item", sample: text, rule: "response-output-mismatch") {
        $0.edit("response.done") { $0.set("response.output.0.id", "item_OTHER") }
    },
    Mutation(name: "content index starts at 1", sample: text, rule: "content-index-sequence") {
        $0.edit("response.content_part.added") { $0["content_index"] = 1 }
    },
    Mutation(name: "delta after its part is done", sample: text, rule: "stream-order") {
        $0.move("response.text.delta", 6, after: "response.content_part.done")
    },
    Mutation(name: "text deltas on an audio part", sample: text, rule: "delta-family-mismatch") {
        $0.edit("response.content_part.added") { $0.set("part.type", "audio") }
    },
    Mutation(name: "assistant item never added to the conversation", sample: text, rule: "item-not-in-conversation") {
        $0.remove("conversation.item.created", 1)
    },
    Mutation(name: "output item done while in progress", sample: text, rule: "output-item-status") {
        $0.edit("response.output_item.done") { $0.set("item.status", "in_progress") }
    },
    Mutation(name: "response failed", sample: text, rule: "response-failed") {
        $0.edit("response.done") {
            $0.set("response.status", "failed")
            $0.set(
                "response.status_details", ["type": "failed", "error": ["type": "server_error", "code": "internal"]])
        }
    },
    Mutation(name: "alter one text delta", sample: text, rule: "text-accumulation") {
        $0.edit("response.text.delta", 5) { $0["delta"] = " Oslo" }
    },
    Mutation(name: "alter one transcript delta", sample: vad, rule: "transcript-accumulation") {
        $0.edit("response.audio_transcript.delta", 2) { $0["delta"] = " Who" }
    },
    Mutation(name: "odd number of audio bytes", sample: vad, rule: "audio-sample-alignment") {
        $0.edit("response.audio.delta", 1) { $0["delta"] = "AA==" }
    },
    Mutation(name: "alter one argument delta", sample: fn, rule: "arguments-accumulation") {
        $0.edit("response.function_call_arguments.delta", 3) { $0["delta"] = "Bergen" }
    },
    Mutation(name: "call_id changes mid-stream", sample: fn, rule: "arguments-accumulation") {
        $0.edit("response.function_call_arguments.delta", 1) { $0["call_id"] = "call_other" }
    },
    Mutation(name: "arguments are not JSON", sample: fn, rule: "arguments-not-json") {
        $0.edit("response.function_call_arguments.delta", 4) { $0["delta"] = "\"" }
        $0.edit("response.function_call_arguments.done") { $0["arguments"] = #"{"city":"Oslo""# }
        $0.edit("response.output_item.done") { $0.set("item.arguments", #"{"city":"Oslo""#) }
        $0.edit("response.done") { $0.set("response.output.0.arguments", #"{"city":"Oslo""#) }
    },
    Mutation(name: "input transcription deltas disagree", sample: vad, rule: "input-transcript-accumulation") {
        let delta: [String: Any] = [
            "type": "conversation.item.input_audio_transcription.delta", "event_id": "event_in1",
            "item_id": "item_U101",
            "content_index": 0, "delta": "Hello",
        ]
        $0.insert(.serverToClient, delta, after: "input_audio_buffer.committed")
    },
    Mutation(name: "previous_item_id unknown", sample: text, rule: "previous-item-unknown") {
        $0.edit("conversation.item.created", 1) { $0["previous_item_id"] = "item_nope" }
    },
    Mutation(name: "truncated item unknown", sample: barge, rule: "item-reference-unknown") {
        $0.edit("conversation.item.truncated") { $0["item_id"] = "item_gone" }
    },
    Mutation(name: "transcript for an item that never appears", sample: vad, rule: "item-reference-unknown") {
        $0.edit("conversation.item.input_audio_transcription.completed") { $0["item_id"] = "item_ghost" }
    },
    Mutation(name: "function output for an unknown call", sample: fn, rule: "function-output-unknown-call") {
        $0.edit("conversation.item.create", 1) { $0.set("item.call_id", "call_unknown") }
    },
    Mutation(name: "no response after the function output", sample: fn, rule: "function-output-without-response") {
        $0.truncate(after: "conversation.item.create", 1)
    },
    Mutation(name: "truncate the user's item", sample: barge, rule: "truncate-target-invalid") {
        $0.edit("conversation.item.truncate") { $0["item_id"] = "item_U301" }
    },
    Mutation(name: "truncate beyond the audio", sample: barge, rule: "truncate-beyond-audio") {
        $0.edit("conversation.item.truncate") { $0["audio_end_ms"] = 5000 }
    },
    Mutation(name: "speech_stopped names another item", sample: vad, rule: "vad-id-mismatch") {
        $0.edit("input_audio_buffer.speech_stopped") { $0["item_id"] = "item_other" }
    },
    Mutation(name: "VAD events with turn detection off", sample: vad, rule: "vad-without-turn-detection") {
        $0.edit("session.created") { $0.set("session.turn_detection", NSNull()) }
        $0.edit("session.updated") { $0.set("session.turn_detection", NSNull()) }
    },
    Mutation(name: "session.update never answered", sample: text, rule: "client-event-unanswered") {
        $0.remove("session.updated")
    },
    Mutation(name: "server acknowledges another item id", sample: text, rule: "item-ack-id-mismatch") {
        $0.edit("conversation.item.create") { $0.set("item.id", "item_CLIENT") }
    },
    Mutation(name: "response.create during an active response", sample: text, rule: "response-create-while-active") {
        $0.insert(.clientToServer, ["type": "response.create", "event_id": "evt_again"], after: "response.created")
    },
    Mutation(name: "cancel with nothing to show for it", sample: text, rule: "cancel-unresolved") {
        $0.insert(.clientToServer, ["type": "response.cancel", "event_id": "evt_cancel"], after: "rate_limits.updated")
    },
    Mutation(name: "server error", sample: text, rule: "server-error") {
        let error: [String: Any] = [
            "type": "error", "event_id": "event_err",
            "error": [
                "type": "invalid_request_error", "code": "invalid_event", "message": "bad", "event_id": "evt_c003",
            ],
        ]
        $0.insert(.serverToClient, error, after: "response.create")
    },
    Mutation(name: "requested instructions not applied", sample: text, rule: "session-update-not-reflected") {
        $0.edit("session.updated") { $0.set("session.instructions", "") }
    },
    Mutation(name: "usage does not add up", sample: text, rule: "usage-arithmetic") {
        $0.edit("response.done") { $0.set("response.usage.total_tokens", 999) }
    },
    Mutation(name: "remaining above limit", sample: text, rule: "rate-limits-invalid") {
        $0.edit("rate_limits.updated") { $0.set("rate_limits.0.remaining", 6000) }
    },
    Mutation(name: "temperature out of range", sample: text, rule: "session-update-out-of-range") {
        $0.edit("session.update") { $0.set("session.temperature", 2.0) }
    },
]

struct FaultCorpusTests {
    @Test(arguments: faultCorpus)
    func mutationIsCaughtByItsRule(_ mutation: Mutation) throws {
        var session = try Session.load(mutation.sample)
        #expect(!session.validate().contains { $0.rule == mutation.rule }, "the clean sample already triggers it")
        mutation.apply(&session)
        let findings = session.validate()
        #expect(findings.contains { $0.rule == mutation.rule }, "got \(findings.map(\.rule))")
        for finding in findings where finding.rule == mutation.rule {
            #expect(finding.line > 0)
            #expect(!finding.message.isEmpty)
        }
    }

    /// The delta fast path accepts only what the full rules pass and changes state as they do: with it on or off,
    /// every mutation gives the same findings (also on the events after the mutated one).
    @Test(arguments: faultCorpus)
    func fastPathAgreesWithTheFullRules(_ mutation: Mutation) throws {
        var session = try Session.load(mutation.sample)
        mutation.apply(&session)
        let fast = session.validate(fastPath: true).map { "\($0.line) \($0.rule) \($0.message)" }
        let full = session.validate(fastPath: false).map { "\($0.line) \($0.rule) \($0.message)" }
        #expect(fast == full)
    }

    /// Findings the validator writes straight to a log (`SessionValidator.log`, for a JSON report) are the ones it
    /// would have returned, in report order, with those below the severity floor left out: for every rule.
    @Test(arguments: faultCorpus)
    func findingsWrittenToALogAreTheOnesReturned(_ mutation: Mutation) throws {
        var session = try Session.load(mutation.sample)
        mutation.apply(&session)
        for floor in [Severity.note, .warning, .error] {
            let selection = RuleSelection(minimumSeverity: floor)
            let returned = session.validate(selection: selection).filter { $0.severity >= floor }
            let log = FindingLog()
            #expect(session.validate(selection: selection, log: log).isEmpty)
            log.seal()
            #expect(log.findings() == FindingLogTests.reportOrder(returned), "\(mutation.name), \(floor)")
        }
    }

    @Test(arguments: Samples.all)
    func fastPathAgreesOnEverySample(_ name: String) throws {
        let session = try Session.load(name)
        let fast = session.validate(fastPath: true).map { "\($0.line) \($0.rule) \($0.message)" }
        let full = session.validate(fastPath: false).map { "\($0.line) \($0.rule) \($0.message)" }
        #expect(fast == full)
    }

    /// The fast path keeps the part a stream writes to; a part added again at the same index (or an output added again)
    /// replaces it, and the deltas after that must land where the full rules put them.
    @Test(arguments: ["response.content_part.added", "response.output_item.added"])
    func fastPathFollowsAReplacedPartOrOutput(_ replaced: String) throws {
        var session = try Session.load("text-in-text-out.jsonl")
        var again = try #require(session.recs[session.at(replaced)].obj)
        again["event_id"] = "event_again"
        session.insert(.serverToClient, again, after: "response.text.delta", 1)
        let fast = session.validate(fastPath: true).map { "\($0.line) \($0.rule) \($0.message)" }
        let full = session.validate(fastPath: false).map { "\($0.line) \($0.rule) \($0.message)" }
        #expect(!full.isEmpty)
        #expect(fast == full)
    }

    @Test func everyRuleIsCaughtByAtLeastOneMutation() {
        let covered = Set(faultCorpus.map(\.rule)).union(ReaderFaultTests.coveredRules)
        for rule in RuleCatalog.all { #expect(covered.contains(rule.id), "no mutation for \(rule.id)") }
    }
}

/// Byte-level faults the reader reports as `reader.*` findings, through the whole ValidationRun.
struct ReaderFaultTests {
    static let coveredRules: Set<String> = [
        "reader.invalid-json", "reader.truncated-line", "reader.not-a-frame", "reader.line-too-long", "reader.header",
        "recording-empty", "handshake-refused",
        "duplicate-key",  // a byte-level fault too: a Foundation dictionary cannot hold a key twice
    ]

    static func run(_ bytes: String, options: RecordingReader.Options = .init()) throws -> [String] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-fault-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try bytes.write(toFile: path, atomically: true, encoding: .utf8)
        return try ValidationRun.validate(path: path, readerOptions: options).findings.map(\.rule)
    }

    static var clean: String { (try? String(contentsOfFile: Samples.path(text), encoding: .utf8)) ?? "" }

    @Test func invalidJSONLineIsAFindingAndTheRestIsValidated() throws {
        var lines = Self.clean.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[5] = String(lines[5].dropLast(3))
        let rules = try Self.run(lines.joined(separator: "\n"))
        #expect(rules.contains("reader.invalid-json"))
        #expect(!rules.contains("response-not-done"))
    }

    @Test func truncatedLastLine() throws {
        #expect(try Self.run(String(Self.clean.dropLast(40))).contains("reader.truncated-line"))
    }

    @Test func notAFrameAndMissingHeader() throws {
        let body = Self.clean.split(separator: "\n").dropFirst().joined(separator: "\n") + "\n{\"hello\":1}\n"
        let rules = try Self.run(body)
        #expect(rules.contains("reader.header"))
        #expect(rules.contains("reader.not-a-frame"))
    }

    @Test func duplicateKeyInAnEventIsAFindingAndTheLastValueCounts() throws {
        var lines = Self.clean.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let k = try #require(lines.firstIndex { $0.contains(#""type":"response.text.delta""#) })
        // The first "type" would make the event unknown; the last (the real one) is what counts.
        lines[k] = lines[k].replacingOccurrences(
            of: #""event":{"type":"response.text.delta""#,
            with: #""event":{"type":"bogus","type":"response.text.delta""#)
        let rules = try Self.run(lines.joined(separator: "\n"))
        #expect(rules.filter { $0 == "duplicate-key" }.count == 1)
        #expect(!rules.contains("unknown-event-type"))
    }

    @Test func overlongLine() throws {
        let rules = try Self.run(Self.clean, options: .init(chunkSize: 256, maxLineBytes: 512))
        #expect(rules.contains("reader.line-too-long"))
    }

    @Test func anEmptyFileOrAHeaderAloneIsNotAClean() throws {
        #expect(try Self.run("") == ["recording-empty"])
        let header = String(Self.clean.prefix { $0 != "\n" }) + "\n"
        #expect(try Self.run(header) == ["recording-empty"])
        #expect(try Self.run(Self.clean).isEmpty)
    }

    @Test func aRefusedUpgradeIsAnError() throws {
        // The header `rtscope record` writes when the upstream answers 401 (hand-made from the sample's header).
        let header = String(Self.clean.prefix { $0 != "\n" }).replacingOccurrences(
            of: #""status":101"#, with: #""status":401,"body":"{\"error\":\"invalid api key\"}""#)
        #expect(header.contains("401"))
        let path = try Self.write(header + "\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let findings = try ValidationRun.validate(path: path).findings
        #expect(findings.map(\.rule) == ["handshake-refused"])
        #expect(findings.first?.message.contains("HTTP 401") == true)
        #expect(findings.first?.message.contains("invalid api key") == true)
    }

    static func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-fault-\(UUID()).jsonl").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
