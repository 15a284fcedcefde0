import RealtimeProtocol
import RealtimeRecording

// Client events: which rule checks each client event role calls (each rule's condition is in its file), and the
// bookkeeping: answers awaited, function outputs, cancels, session updates.

extension SessionValidator {
    mutating func client(_ type: String, _ object: JSONValue, _ spec: EventSpec?) {
        switch currentRole {
        case .sessionUpdate:
            state.pendingSessionUpdates.append((line, Lookup.dict(object, "session")))
        case .itemCreate:
            if runs(.previousItemUnknown) { checkPreviousItemUnknown(inserting: object) }
            if Lookup.string(object, "item.type") == "function_call_output",
                let call = Lookup.string(object, "item.call_id")
            {
                if runs(.functionOutputUnknownCall) { checkFunctionOutputUnknownCall(call) }
                state.functionOutputsAwaitingResponse.append((line, index, call))
            }
        case .itemTruncate:
            truncate(object)
        case .itemDelete, .itemRetrieve:
            requireItem(Lookup.string(object, "item_id"), what: "item")
        case .responseCreate:
            if runs(.responseCreateWhileActive) { checkResponseCreateWhileActive(object) }
            state.functionOutputsAwaitingResponse.removeAll()
        case .responseCancel:
            state.cancels.append((line, index, Lookup.string(object, "response_id")))
            return
        default:
            break
        }
        guard let spec, !spec.answers.isEmpty else { return }
        let answers = Set(spec.answers.map { catalog.canonicalName(of: $0) })
        state.pending.append(
            SessionState.Pending(
                type: type, line: line, index: index, eventID: object["event_id"]?.string, answers: answers,
                itemID: type == EventNames.itemCreate ? Lookup.string(object, "item.id") : nil))
    }

    /// A truncate names an item (`item-reference-unknown`) that must be assistant audio (`truncate-target-invalid`),
    /// not cut beyond the audio received (`truncate-beyond-audio`).
    mutating func truncate(_ object: JSONValue) {
        guard let id = Lookup.string(object, "item_id") else { return }
        guard let item = state.items[id] else {
            requireItem(id, what: "item to truncate")
            return
        }
        guard truncateTargetIsAssistant(item, id) else { return }
        let ci = Lookup.int(object, "content_index") ?? 0
        guard let (rid, oi) = item.responseOutput, let part = state.responses[rid]?.outputs[oi]?.parts[ci] else {
            return
        }
        guard truncateTargetIsAudio(part, ci, id) else { return }
        if runs(.truncateBeyondAudio) { checkTruncateBeyondAudio(object, part, id) }
    }

    /// End-of-session checks (each in its rule's file).
    mutating func finishChecks() {
        if runs(.responseNotDone) { finishResponseNotDone() }
        if runs(.clientEventUnanswered) { finishClientEventUnanswered() }
        if runs(.functionOutputWithoutResponse) { finishFunctionOutputWithoutResponse() }
        if runs(.cancelUnresolved) { finishCancelUnresolved() }
        if runs(.itemReferenceUnknown) { finishItemReferenceUnknown() }
    }
}
