import Foundation
import RealtimeProtocol
import RealtimeRecording

// The response lifecycle (protocol reference §4.3): which rule checks each response event calls (each rule's condition
// is in its file) and the bookkeeping of responses; their items, parts and streams are in StreamChecks.swift.

extension SessionValidator {
    mutating func responseEvent(_ type: String, _ object: JSONValue, _ spec: EventSpec?) {
        switch currentRole {
        case .responseCreated: responseCreated(object)
        case .responseDone: responseDone(object)
        default:
            guard let rid = Lookup.string(object, "response_id") else { return }
            guard var response = state.responses[rid] else {
                if let done = state.forgottenDoneLine(rid) {
                    if runs(.responseEventOutsideLifecycle) { checkAfterDone(type, rid, doneLine: done) }
                    return
                }
                if runs(.responseEventOutsideLifecycle) { checkResponseNeverCreated(type, rid) }
                return
            }
            if let done = response.doneLine {
                if runs(.responseEventOutsideLifecycle) { checkAfterDone(type, rid, doneLine: done) }
                return
            }
            guard responseAllows(type, rid) else { return }
            stream(type, object, spec, &response)
        }
    }

    mutating func responseCreated(_ object: JSONValue) {
        guard let rid = Lookup.string(object, "response.id") else { return }
        if runs(.responseStatusInvalid) { checkResponseStatusInvalid(created: object, rid) }
        // A null conversation_id marks an out-of-band response; absent means the default conversation.
        let inDefault = !(Lookup.value(object, "response.conversation_id")?.isNull ?? false)
        if inDefault, runs(.responseOverlap) { checkResponseOverlap(rid) }
        let phase =
            state.responses[rid].map { $0.doneLine == nil ? Phase.open : Phase.finished }
            ?? (state.forgottenDoneLine(rid) == nil ? Phase.start : Phase.finished)
        if !currentMoves.allows(.response, from: phase) {
            if runs(.responseEventOutsideLifecycle) { reportResponseCreatedNotAllowed(rid) }
            return
        }
        state.responses[rid] = SessionState.Response(id: rid, createdLine: line, inDefaultConversation: inDefault)
        state.responseOrder.append(rid)
        if inDefault { state.activeDefaultResponse = rid }
        state.functionOutputsAwaitingResponse.removeAll()
        resolve(answer: EventNames.responseCreated)
    }

    mutating func responseDone(_ object: JSONValue) {
        guard let rid = Lookup.string(object, "response.id") else { return }
        guard let response = state.responses[rid] else {
            if let done = state.forgottenDoneLine(rid) {
                if runs(.responseEventOutsideLifecycle) { checkResponseDoneRepeated(rid, firstDone: done) }
                return
            }
            if runs(.responseEventOutsideLifecycle) { checkResponseNeverCreated(EventNames.responseDone, rid) }
            return
        }
        if let done = response.doneLine {
            if runs(.responseEventOutsideLifecycle) { checkResponseDoneRepeated(rid, firstDone: done) }
            return
        }
        guard responseAllows(EventNames.responseDone, rid) else { return }
        if runs(.responseStatusInvalid) { checkResponseStatusInvalid(done: object, rid) }
        if runs(.responseFailed) { checkResponseFailed(object, rid) }
        if runs(.outputItemNotClosed) { checkOutputItemNotClosed(response) }
        if runs(.responseOutputMismatch) { checkResponseOutputMismatch(object, response) }
        checkFinalContent(object, response, rid)
        if runs(.usageArithmetic) { checkUsage(Lookup.dict(object, "response.usage"), rid) }
        response.doneLine = line
        for key in response.outputs.keys { response.outputs[key]?.releaseContent() }
        if state.activeDefaultResponse == rid { state.activeDefaultResponse = nil }
        state.cancels.removeAll { $0.responseID == nil || $0.responseID == rid }
        resolve(answer: EventNames.responseDone)
        state.finished(rid)
    }

    /// Items listed in response.done must carry the accumulated text, transcript and arguments.
    mutating func checkFinalContent(_ object: JSONValue, _ response: SessionState.Response, _ rid: String) {
        for item in Lookup.array(object, "response.output") ?? [] where item.isObject {
            guard let id = item["id"]?.string, let output = response.outputs.values.first(where: { $0.itemID == id })
            else { continue }
            compareItem(item, output, where: "response.done")
        }
    }
}
