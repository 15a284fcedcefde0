import RealtimeProtocol
import RealtimeRecording

// Client events: what the client asks for and whether it may.
// Rules: response-create-while-active, function-output-unknown-call, previous-item-unknown,
// truncate-*, item-reference-unknown, session-update-out-of-range; registers answers awaited.

extension SessionValidator {
    mutating func client(_ type: String, _ object: JSONValue, _ spec: EventSpec?) {
        switch currentRole {
        case .sessionUpdate:
            state.pendingSessionUpdates.append((line, JSON.dict(object, "session")))
        case .itemCreate:
            if let previous = JSON.string(object, "previous_item_id"), previous != "root", state.items[previous] == nil
            {
                emit(
                    .previousItemUnknown,
                    "conversation.item.create inserts after \(previous), which is not in the conversation.",
                    expected: "\"root\", null or an existing item id", actual: previous, subject: previous,
                    priorID: true)
            }
            if JSON.string(object, "item.type") == "function_call_output",
                let call = JSON.string(object, "item.call_id")
            {
                if state.callItems[call] == nil {
                    emit(
                        .functionOutputUnknownCall,
                        "function_call_output for call_id \(call), which no function call has.",
                        expected: "the call_id of an earlier function_call item", actual: call, subject: call,
                        priorID: true)
                }
                state.functionOutputsAwaitingResponse.append((line, index, call))
            }
        case .itemTruncate:
            truncate(object)
        case .itemDelete, .itemRetrieve:
            requireItem(JSON.string(object, "item_id"), what: "item")
        case .responseCreate:
            let outOfBand = JSON.string(object, "response.conversation") == "none"
            if !outOfBand, let active = state.activeDefaultResponse, let response = state.responses[active] {
                emit(
                    .responseCreateWhileActive,
                    "response.create was sent while response \(active) is still active.",
                    expected: "wait for response.done of \(active)", actual: "response.create", subject: active,
                    related: [RelatedLine(line: response.createdLine, note: "\(active) created")])
            }
            state.functionOutputsAwaitingResponse.removeAll()
        case .responseCancel:
            state.cancels.append((line, index, JSON.string(object, "response_id")))
            return
        default:
            break
        }
        guard let spec, !spec.answers.isEmpty else { return }
        let answers = Set(spec.answers.map { catalog.canonicalName(of: $0) })
        state.pending.append(
            SessionState.Pending(
                type: type, line: line, index: index, eventID: object["event_id"]?.string, answers: answers,
                itemID: type == EventNames.itemCreate ? JSON.string(object, "item.id") : nil))
    }

    mutating func truncate(_ object: JSONValue) {
        guard let id = JSON.string(object, "item_id") else { return }
        guard let item = state.items[id] else {
            requireItem(id, what: "item to truncate")
            return
        }
        guard item.type == "message", item.role == "assistant" else {
            emit(
                .truncateTargetInvalid,
                "Only assistant audio can be truncated, but \(id) is a \(item.role ?? "") \(item.type ?? "item").",
                expected: "an assistant message with audio", actual: "\(item.role ?? "?") \(item.type ?? "?")",
                subject: id,
                related: [RelatedLine(line: item.line, note: "item created")])
            return
        }
        let ci = JSON.int(object, "content_index") ?? 0
        guard let (rid, oi) = item.responseOutput, let part = state.responses[rid]?.outputs[oi]?.parts[ci] else {
            return
        }
        guard part.type == "audio" else {
            emit(
                .truncateTargetInvalid, "Content part \(ci) of \(id) is \(part.type ?? "not audio"), not audio.",
                expected: "an audio part", actual: part.type ?? "?", subject: id)
            return
        }
        let bytesPerMs = isPCM16Output ? 48.0 : 8.0
        let received = Int((Double(part.audioBytes) / bytesPerMs).rounded(.down))
        let end = JSON.int(object, "audio_end_ms") ?? 0
        if part.audioBytes == 0 {
            emit(
                .truncateBeyondAudio, "Truncating \(id) before any of its audio arrived.",
                expected: "audio received first",
                actual: "0 ms received, audio_end_ms \(end)", subject: id)
        } else if end > received {
            emit(
                .truncateBeyondAudio,
                "audio_end_ms \(end) is beyond the \(received) ms of audio received for \(id).",
                expected: "≤ \(received) ms", actual: "\(end) ms", subject: id)
        }
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
