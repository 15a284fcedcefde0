import Foundation
import RealtimeProtocol
import RealtimeRecording

// The response lifecycle and its nested streams (protocol reference §4.3).
// Rules: response-*, output-*, content-index-sequence, stream-order, delta-family-mismatch,
// item-not-in-conversation, *-accumulation, audio-sample-alignment, arguments-not-json, usage-arithmetic.

extension SessionValidator {
    static let terminalStatuses = ["completed", "cancelled", "incomplete", "failed"]
    static let reasonsByStatus = [
        "cancelled": ["turn_detected", "client_cancelled"], "incomplete": ["max_output_tokens", "content_filter"],
    ]

    mutating func responseEvent(_ type: String, _ object: JSONValue, _ spec: EventSpec?) {
        switch currentRole {
        case .responseCreated: responseCreated(object)
        case .responseDone: responseDone(object)
        default:
            guard let rid = JSON.string(object, "response_id") else { return }
            guard var response = state.responses[rid] else {
                if let done = state.forgottenDoneLine(rid) {
                    afterDone(type, rid, doneLine: done)
                    return
                }
                guard !currentMoves.allows(.response, from: ProtocolStateMachine.Phase.start) else { return }
                emit(
                    .responseEventOutsideLifecycle,
                    "\(currentType ?? type) names response \(rid), which was never created.",
                    expected: "response.created for \(rid) first", actual: "no such response", subject: rid,
                    priorID: true)
                return
            }
            if let done = response.doneLine {
                afterDone(type, rid, doneLine: done)
                return
            }
            guard currentMoves.allows(.response, from: ProtocolStateMachine.Phase.open) else {
                emit(
                    .responseEventOutsideLifecycle,
                    "\(currentType ?? type) is not an event of response \(rid) while it is in progress.",
                    expected: "an event the state machine allows", actual: currentType ?? type, subject: rid)
                return
            }
            stream(type, object, spec, &response)
        }
    }

    /// A second `response.created` or `response.done` (`event` is "created" or "done") for response `rid`.
    mutating func repeated(_ rid: String, _ event: String, _ earlier: RelatedLine) {
        emit(
            .responseEventOutsideLifecycle, "Response \(rid) was \(event) twice.",
            expected: "one response.\(event)",
            actual: "another", subject: rid, related: [earlier])
    }

    /// An event of a finished response (output audio stopping or being cleared may legally come later).
    mutating func afterDone(_ type: String, _ rid: String, doneLine: Int) {
        guard !currentMoves.allows(.response, from: ProtocolStateMachine.Phase.finished) else { return }
        emit(
            .responseEventOutsideLifecycle, "\(currentType ?? type) arrived after response \(rid) was done.",
            expected: "before response.done", actual: "after it", subject: rid,
            related: [RelatedLine(line: doneLine, note: "response.done")])
    }

    mutating func responseCreated(_ object: JSONValue) {
        guard let rid = JSON.string(object, "response.id") else { return }
        let status = JSON.string(object, "response.status")
        if status != "in_progress" {
            emit(
                .responseStatusInvalid, "response.created has status \(status ?? "none").", expected: "in_progress",
                actual: status ?? "absent", subject: rid)
        }
        // A null conversation_id marks an out-of-band response; absent means the default conversation.
        let inDefault = !(JSON.value(object, "response.conversation_id")?.isNull ?? false)
        if inDefault, let active = state.activeDefaultResponse, let other = state.responses[active] {
            emit(
                .responseOverlap,
                "Response \(rid) started while \(active) is still active in the default conversation.",
                expected: "response.done of \(active) first", actual: "response.created of \(rid)", subject: rid,
                related: [RelatedLine(line: other.createdLine, note: "\(active) created")])
        }
        let phase =
            state.responses[rid].map { $0.doneLine == nil ? Phase.open : Phase.finished }
            ?? (state.forgottenDoneLine(rid) == nil ? Phase.start : Phase.finished)
        if !currentMoves.allows(.response, from: phase) {
            if let earlier = state.responses[rid].map({ RelatedLine(line: $0.createdLine, note: "first") })
                ?? state.forgottenDoneLine(rid).map({ RelatedLine(line: $0, note: "the first one's response.done") })
            {
                repeated(rid, "created", earlier)
            } else {
                emit(
                    .responseEventOutsideLifecycle,
                    "response.created of \(rid) is not a step the state machine allows.",
                    expected: "an event the state machine allows", actual: "response.created", subject: rid)
            }
            return
        }
        state.responses[rid] = SessionState.Response(id: rid, createdLine: line, inDefaultConversation: inDefault)
        state.responseOrder.append(rid)
        if inDefault { state.activeDefaultResponse = rid }
        state.functionOutputsAwaitingResponse.removeAll()
        resolve(answer: EventNames.responseCreated)
    }

    mutating func responseDone(_ object: JSONValue) {
        guard let rid = JSON.string(object, "response.id") else { return }
        guard let response = state.responses[rid] else {
            if let done = state.forgottenDoneLine(rid) {
                if !currentMoves.allows(.response, from: ProtocolStateMachine.Phase.finished) {
                    repeated(rid, "done", RelatedLine(line: done, note: "first response.done"))
                }
                return
            }
            guard !currentMoves.allows(.response, from: ProtocolStateMachine.Phase.start) else { return }
            emit(
                .responseEventOutsideLifecycle, "response.done for \(rid), which was never created.",
                expected: "response.created first", actual: "no such response", subject: rid, priorID: true)
            return
        }
        if let done = response.doneLine {
            if !currentMoves.allows(.response, from: ProtocolStateMachine.Phase.finished) {
                repeated(rid, "done", RelatedLine(line: done, note: "first response.done"))
            }
            return
        }
        guard currentMoves.allows(.response, from: ProtocolStateMachine.Phase.open) else {
            emit(
                .responseEventOutsideLifecycle, "response.done of \(rid) is not a step the state machine allows.",
                expected: "an event the state machine allows", actual: "response.done", subject: rid)
            return
        }
        checkStatus(object, rid)
        let created = RelatedLine(line: response.createdLine, note: "response.created")
        for (i, output) in response.outputs.sorted(by: { $0.key < $1.key }) {
            if output.doneLine == nil {
                emit(
                    .outputItemNotClosed,
                    "Output item \(i) (\(output.itemID ?? "?")) of \(rid) has no output_item.done.",
                    expected: "response.output_item.done before response.done", actual: "missing",
                    subject: output.itemID,
                    related: [RelatedLine(line: output.addedLine, note: "output_item.added"), created])
            }
        }
        let outputIDs = (JSON.array(object, "response.output") ?? []).map { $0["id"]?.string }
        let addedIDs = response.outputs.sorted(by: { $0.key < $1.key }).map(\.value.itemID)
        if outputIDs != addedIDs {
            emit(
                .responseOutputMismatch, "response.done.output of \(rid) does not list the items that were added.",
                expected: "[\(addedIDs.map { $0 ?? "?" }.joined(separator: ", "))]",
                actual: "[\(outputIDs.map { $0 ?? "?" }.joined(separator: ", "))]", subject: rid, related: [created])
        }
        checkFinalContent(object, response, rid)
        if runs(.usageArithmetic) { checkUsage(JSON.dict(object, "response.usage"), rid) }
        response.doneLine = line
        for key in response.outputs.keys { response.outputs[key]?.releaseContent() }
        if state.activeDefaultResponse == rid { state.activeDefaultResponse = nil }
        state.cancels.removeAll { $0.responseID == nil || $0.responseID == rid }
        resolve(answer: EventNames.responseDone)
        state.finished(rid)
    }

    mutating func checkStatus(_ object: JSONValue, _ rid: String) {
        let status = JSON.string(object, "response.status") ?? "absent"
        guard Self.terminalStatuses.contains(status) else {
            emit(
                .responseStatusInvalid, "response.done of \(rid) has status \(status).",
                expected: Self.terminalStatuses.joined(separator: " | "), actual: status, subject: rid)
            return
        }
        if let detailType = JSON.string(object, "response.status_details.type"), detailType != status {
            emit(
                .responseStatusInvalid, "status_details.type \(detailType) contradicts status \(status).",
                expected: status, actual: detailType, subject: rid)
        }
        if let reason = JSON.string(object, "response.status_details.reason"),
            let allowed = Self.reasonsByStatus[status],
            !allowed.contains(reason)
        {
            emit(
                .responseStatusInvalid, "Reason \(reason) does not fit status \(status).",
                expected: allowed.joined(separator: " | "), actual: reason, subject: rid)
        }
        if status == "failed" || status == "incomplete" {
            let why =
                JSON.string(object, "response.status_details.error.code")
                ?? JSON.string(object, "response.status_details.reason")
            emit(
                .responseFailed, "Response \(rid) ended \(status)\(why.map { " (\($0))" } ?? "").",
                expected: "completed", actual: status + (why.map { ": \($0)" } ?? ""), subject: rid)
        }
    }

    /// Items listed in response.done must carry the accumulated text, transcript and arguments.
    mutating func checkFinalContent(_ object: JSONValue, _ response: SessionState.Response, _ rid: String) {
        for item in JSON.array(object, "response.output") ?? [] where item.isObject {
            guard let id = item["id"]?.string, let output = response.outputs.values.first(where: { $0.itemID == id })
            else { continue }
            compareItem(item, output, where: "response.done")
        }
    }
}
