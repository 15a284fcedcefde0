import RealtimeProtocol
import RealtimeRecording

// The common case of the commonest events: a content-part delta (text, transcript, audio) of an open
// part, with a fresh event_id and the schema satisfied. Most of a voice session's events are such
// deltas, so they get a lean path: one pass over the event's members, ids compared as bytes, no
// per-event strings. The fast path only ever accepts an event that the full rules would pass without
// a finding, and then makes exactly the state change those rules make; anything else (a missing or
// mistyped field, a duplicate id, an unknown or closed response, output or part, a different item,
// a dialect question) falls through to the full rules. A test runs every sample and the fault corpus
// both ways and compares the findings.

extension SessionValidator {
    /// What the fast path needs to know about one delta event type, derived from the catalog once.
    final class DeltaPlan {
        /// Every field the catalog lists for the type (all top-level): key bytes, accepted kinds, flags.
        let keys: [[UInt8]]
        let rules: [FieldRule]
        let eventID: Int
        let responseID: Int
        let itemID: Int
        let outputIndex: Int
        let contentIndex: Int
        let delta: Int
        let stream: StreamSpec
        /// The dialect the type belongs to alone (`nil`: both).
        let dialect: Dialect?

        /// The plan for `spec` (the type as sent) whose canonical name has `stream`; `nil` when the type is not a
        /// content-part delta the fast path can take.
        init?(spec: EventSpec, stream: StreamSpec?) {
            guard spec.direction == .serverToClient, let stream, stream.partType != nil,
                spec.fields.allSatisfy({ $0.parent == nil })
            else { return nil }
            let paths = spec.fields.map(\.path)
            guard let eventID = paths.firstIndex(of: "event_id"), let responseID = paths.firstIndex(of: "response_id"),
                let itemID = paths.firstIndex(of: "item_id"), let outputIndex = paths.firstIndex(of: "output_index"),
                let contentIndex = paths.firstIndex(of: "content_index"),
                let delta = paths.firstIndex(of: stream.deltaField)
            else { return nil }
            rules = spec.fields.map(FieldRule.init)
            keys = paths.map { Array($0.utf8) }
            self.eventID = eventID
            self.responseID = responseID
            self.itemID = itemID
            self.outputIndex = outputIndex
            self.contentIndex = contentIndex
            self.delta = delta
            self.stream = stream
            dialect = spec.dialects == .beta ? .beta : spec.dialects == .ga ? .ga : nil
        }
    }

    /// Takes a server delta event the fast way; `false` when the full rules must look at it (nothing changed then).
    mutating func fastDelta(_ object: JSONValue, _ plan: DeltaPlan, line: Int) -> Bool {
        guard state.sawServerEvent, fastPathEnabled else { return false }
        if let dialect = plan.dialect, state.dialectEvidence?.dialect != dialect { return false }
        guard object.memberNodes(plan.keys, into: &fastNodes), schemaHolds(object, plan) else { return false }
        // Present and of the right kinds now (the schema requires all six).
        let nodes = (
            fastNodes[plan.eventID], fastNodes[plan.responseID], fastNodes[plan.itemID], fastNodes[plan.outputIndex],
            fastNodes[plan.contentIndex], fastNodes[plan.delta]
        )
        guard nodes.0 >= 0, nodes.1 >= 0, nodes.2 >= 0, nodes.3 >= 0, nodes.4 >= 0, nodes.5 >= 0 else { return false }
        let eventID = object.member(nodes.0)
        let delta = object.member(nodes.5)
        guard eventID.kind == .string, eventID.byteCount > 0, delta.kind == .string,
            let outputIndex = object.member(nodes.3).int, let contentIndex = object.member(nodes.4).int
        else { return false }
        let responseID = object.member(nodes.1)
        let itemID = object.member(nodes.2)
        guard let response = response(named: responseID),
            let part = openPart(response, outputIndex, contentIndex, item: itemID, partType: plan.stream.partType),
            state.serverEventIDs.firstUse(of: eventID.bytesHash, line: line) == nil  // records it when new
        else { return false }
        if plan.stream.payload == .audio {
            let padding = (delta.byte(fromEnd: 0) == 0x3D ? 1 : 0) + (delta.byte(fromEnd: 1) == 0x3D ? 1 : 0)
            part.audioBytes += max(0, delta.byteCount / 4 * 3 - padding)
        } else if let field = plan.stream.finalField {
            if delta.isEscapedString {
                part.append(field, delta.string ?? "")
            } else {
                delta.withRawBytes { part.append(field, raw: $0) }  // no string made per delta
            }
        }
        return true
    }

    /// Whether the fields found satisfy the catalog exactly as `checkSchema` would (no finding).
    private func schemaHolds(_ object: JSONValue, _ plan: DeltaPlan) -> Bool {
        for (k, field) in plan.rules.enumerated() {
            let node = fastNodes[k]
            let kind = node >= 0 ? object.kind(ofNode: node) : nil
            // An enumerated field's value is left to the full check (it needs the decoded string).
            if field.problem(kind) != nil || field.enumerated && kind != nil && kind != .null { return false }
        }
        return true
    }

    /// The response named by `value` (no string and no lookup while the same response streams: responses are never
    /// replaced, so the cached one stays right).
    private mutating func response(named value: JSONValue) -> SessionState.Response? {
        guard value.kind == .string, !value.isEscapedString else { return nil }
        let hash = value.bytesHash
        if let last = lastResponse, last.hash == hash, value.rawEquals(last.response.id) { return last.response }
        guard let id = value.string, let response = state.responses[id] else { return nil }
        lastResponse = (hash, response)
        return response
    }

    /// Content part `ci` of output `oi` of `response`, when the full rules would pass a delta to it.
    ///
    /// That is: the response, the output and the part are open, the output is item `item`, and the part (when its type
    /// is known) is of `partType`. Consecutive deltas of one stream reuse the last part found (`lastPart`, which the
    /// rules forget whenever they add an output or a part).
    private mutating func openPart(
        _ response: SessionState.Response, _ oi: Int, _ ci: Int, item: JSONValue, partType: String?
    ) -> SessionState.Part? {
        let output: SessionState.Output
        let part: SessionState.Part
        if let last = lastPart, last.response === response, last.oi == oi, last.ci == ci {
            (output, part) = (last.output, last.part)
        } else {
            guard let o = response.outputs[oi], let p = o.parts[ci] else { return nil }
            (output, part) = (o, p)
            lastPart = (response, oi, ci, o, p)
        }
        guard response.doneLine == nil, output.doneLine == nil, part.doneLine == nil, let itemID = output.itemID,
            item.kind == .string, !item.isEscapedString, item.rawEquals(itemID),
            part.type == nil || part.type == partType
        else { return nil }
        return part
    }
}
