import Foundation
import RealtimeProtocol
import RealtimeRecording
import Testing

@testable import RealtimeValidation

/// Walks decoded events through `ProtocolStateMachine`, one instance per session, turn, response, output item and
/// content part (keyed by their ids), the way the protocol nests them; returns the first step the table refuses.
struct MachineWalk {
    let machine: ProtocolStateMachine
    var phases: [String: String] = [:]
    /// Output item id → its item instance key.
    var outputItems: [String: String] = [:]

    init(_ machine: ProtocolStateMachine) { self.machine = machine }

    func phase(_ key: String, _ kind: ProtocolStateMachine.Machine) -> String { phases[key] ?? kind.phases[0] }

    /// Moves `key` (a `kind` instance) on by `event`; a refusal as text.
    mutating func move(_ kind: ProtocolStateMachine.Machine, _ key: String, _ event: String) -> String? {
        let from = phase(key, kind)
        guard let to = machine.next(kind, from, event) else { return "\(kind) \(key) refuses \(event) in \(from)" }
        phases[key] = to
        return nil
    }

    /// Steps every instance `event` concerns; `nil` when the table accepts it.
    mutating func step(_ type: String, _ event: [String: Any]) -> String? {
        let name = EventCatalog.standard.canonicalName(of: type)
        // Beta's announcement of the conversation (the simulator sends it, as the service does) moves no instance.
        if name == "conversation.created" { return nil }
        if let response = event["response"] as? [String: Any], let id = response["id"] as? String {
            // response.created also ends the input turn it answers.
            let turn = machine.names(.turn, name) ? move(.turn, "turn", name) : nil
            return move(.response, "response \(id)", name) ?? turn
        }
        if let rid = event["response_id"] as? String {
            var refusals: [String?] = [move(.response, "response \(rid)", name)]
            if let oi = event["output_index"] as? Int, machine.names(.item, name) {
                let key = "item \(rid)/\(oi)"
                if let id = (event["item"] as? [String: Any])?["id"] as? String { outputItems[id] = key }
                refusals.append(move(.item, key, name))
                if let ci = event["content_index"] as? Int, machine.names(.part, name) {
                    refusals.append(move(.part, "part \(rid)/\(oi)/\(ci)", name))
                }
            }
            return refusals.compactMap { $0 }.first
        }
        if name == "conversation.item.created", let id = (event["item"] as? [String: Any])?["id"] as? String,
            let key = outputItems[id]
        {
            return move(.item, key, name)
        }
        if machine.names(.session, name) { return move(.session, "session", name) }
        if machine.names(.turn, name) { return move(.turn, "turn", name) }
        return "no machine has \(name)"
    }
}

struct StateMachineTests {
    /// The seed's text-in/text-out diagram (realtime-protocol.md §4.1–§4.3) is one accepted path through the table,
    /// and every instance ends where it should.
    @Test func theTextSampleIsAnAcceptedPath() throws {
        let session = try Session.load("text-in-text-out.jsonl")
        var walk = MachineWalk(.standard)
        for rec in session.recs {
            let event = try #require(rec.obj)
            let type = try #require(event["type"] as? String)
            #expect(walk.step(type, event) == nil, "\(type)")
        }
        #expect(walk.phases["session"] == "ready")
        #expect(walk.phases["turn"] == "idle")
        let ends = walk.phases.filter {
            $0.key.hasPrefix("response") || $0.key.hasPrefix("item") || $0.key.hasPrefix("part")
        }
        #expect(ends.count == 3)
        #expect(ends.values.allSatisfy { $0 == "done" }, "\(ends)")
        // The seed diagram's events, in order, are in the sample.
        let seed = [
            "session.created", "session.update", "session.updated", "conversation.item.create",
            "conversation.item.created", "response.create", "response.created", "response.text.delta",
            "response.text.done", "response.done",
        ]
        let order = session.recs.compactMap { $0.obj?["type"] as? String }
        var cursor = 0
        for event in seed {
            let found = try #require(order[cursor...].firstIndex(of: event), "\(event)")
            cursor = found + 1
        }
    }

    /// The table is what runs: without the text-delta step of an open part, the clean sample gets a finding (on the
    /// fast path and the full rules alike), and so it does without session.created's or response.created's step.
    @Test(arguments: [true, false])
    func aTransitionRemovedFromTheTableMakesACleanRecordingFail(_ fastPath: Bool) throws {
        let session = try Session.load("text-in-text-out.jsonl")
        #expect(session.validate(fastPath: fastPath).isEmpty)
        let noDelta = ProtocolStateMachine.standard.removing(.part, "added", "response.text.delta")
        let findings = session.validate(fastPath: fastPath, machine: noDelta)
        // Each of the 7 deltas is refused (and so the final text no longer matches what was accumulated).
        #expect(findings.filter { $0.rule == "stream-order" }.count == 7, "\(findings.map(\.message))")
        #expect(Set(findings.map(\.rule)) == ["stream-order", "text-accumulation"])
        let noFirst = ProtocolStateMachine.standard.removing(.session, "connecting", "session.created")
        #expect(session.validate(fastPath: fastPath, machine: noFirst).map(\.rule) == ["session-created-first"])
        let noCreated = ProtocolStateMachine.standard.removing(.response, "none", "response.created")
        let withoutCreated = session.validate(fastPath: fastPath, machine: noCreated)
        #expect(withoutCreated.first?.rule == "response-event-outside-lifecycle")
        let refusal = "response.created of resp_T001 is not a step the state machine allows."
        #expect(withoutCreated.first?.message == refusal)
    }

    /// What `spec` draws is the table, machine by machine.
    @Test func theDiagramsDrawTheTable() {
        let machine = ProtocolStateMachine.standard
        let mermaid = machine.mermaid()
        let dot = machine.dot()
        for t in machine.transitions {
            #expect(mermaid.contains("\(t.machine)_\(t.from) --> \(t.machine)_\(t.to) : "), "\(t)")
            #expect(dot.contains("\(t.machine)_\(t.from) -> \(t.machine)_\(t.to) [label="), "\(t)")
        }
        #expect(mermaid.contains("part_added --> part_added : server: response.text.delta"))
        #expect(mermaid.contains("response_none --> response_in_progress : server: response.created"))
    }

    /// Every event the table and the rules name is a canonical catalog event, sent in the direction the table says.
    @Test func everyNameIsACanonicalCatalogEvent() {
        let catalog = EventCatalog.standard
        for name in EventNames.all {
            #expect(catalog.contains(name), "\(name)")
            #expect(catalog.canonicalName(of: name) == name, "\(name) is not the canonical name")
        }
        for t in ProtocolStateMachine.standard.transitions where t.event != ProtocolStateMachine.anyEvent {
            #expect(catalog.spec(for: t.event)?.direction == t.role, "\(t.event)")
            #expect(catalog.canonicalName(of: t.event) == t.event, "\(t.event)")
        }
        for t in ProtocolStateMachine.standard.transitions {
            #expect(t.machine.phases.contains(t.from) && t.machine.phases.contains(t.to), "\(t)")
        }
    }
}

/// The input turn in the table: the voice sample's turn is one accepted path, and the validator runs the table.
struct TurnMachineTests {
    /// The phases the input turn goes through in `sample`, walking every event the turn table names (a response's
    /// own output items, whose conversation.item.created belongs to the item table, aside).
    static func turnPhases(_ sample: String) throws -> [String] {
        let session = try Session.load(sample)
        let machine = ProtocolStateMachine.standard
        var walk = MachineWalk(machine)
        var outputItems: Set<String> = []
        var visited = ["idle"]
        for rec in session.recs {
            let event = try #require(rec.obj)
            let name = EventCatalog.standard.canonicalName(of: try #require(event["type"] as? String))
            let item = (event["item"] as? [String: Any])?["id"] as? String
            if name == "response.output_item.added", let item { outputItems.insert(item) }
            guard machine.names(.turn, name), !(item.map(outputItems.contains) ?? false) else { continue }
            #expect(walk.move(.turn, "turn", name) == nil, "\(sample): \(name)")
            let phase = walk.phase("turn", .turn)
            if visited.last != phase { visited.append(phase) }
        }
        return visited
    }

    /// speech_started → speech_stopped → committed → the user item → response.created: each step is in the turn
    /// table, and the turn ends idle.
    @Test func theVoiceTurnIsAnAcceptedPath() throws {
        #expect(try Self.turnPhases("audio-vad.jsonl") == ["idle", "speaking", "stopped", "committed", "idle"])
    }

    /// The typed turn of the text sample (conversation.item.create → created → response.created) ends idle too.
    @Test func theTypedTurnIsAnAcceptedPath() throws {
        #expect(try Self.turnPhases("text-in-text-out.jsonl") == ["idle", "committed", "idle"])
    }

    /// The validator executes the turn table: speech_stopped is compared with its turn's speech_started only where the
    /// table lets it continue the turn, so without the speaking → stopped step the mismatch is not checked.
    @Test func theValidatorRunsTheTurnTable() throws {
        var session = try Session.load("audio-vad.jsonl")
        #expect(session.validate().isEmpty)
        session.edit("input_audio_buffer.speech_stopped") { $0["item_id"] = "item_other" }
        let mismatch = session.validate().filter { $0.rule == "vad-id-mismatch" }
        let started = try Self.startedItem(session)
        #expect(mismatch.map(\.message) == ["speech_stopped names item item_other, speech_started named \(started)."])
        let noStop = ProtocolStateMachine.standard.removing(.turn, "speaking", "input_audio_buffer.speech_stopped")
        #expect(!session.validate(machine: noStop).contains { $0.rule == "vad-id-mismatch" })
        // A speech_stopped that the table refuses (no turn started: a capture that begins mid-turn) is no finding.
        var midTurn = try Session.load("audio-vad.jsonl")
        midTurn.remove("input_audio_buffer.speech_started")
        #expect(!midTurn.validate().contains { $0.rule == "vad-id-mismatch" })
    }

    static func startedItem(_ session: Session) throws -> String {
        try #require(session.recs[session.at("input_audio_buffer.speech_started")].obj?["item_id"] as? String)
    }
}
