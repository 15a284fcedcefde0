import RealtimeProtocol
import RealtimeRecording

// Server events about the session, the conversation, the input buffer, errors and limits: which rule checks each
// server event role calls (each rule's condition is in its file) and the bookkeeping (items, answers awaited, VAD
// turn, transcripts, cancels).

extension SessionValidator {
    mutating func server(_ type: String, _ object: JSONValue, _ spec: EventSpec?) {
        switch currentRole {
        case .sessionCreated:
            if let first = state.sessionCreatedLine {
                if runs(.sessionCreatedOnce) { checkSessionCreatedOnce(type, first: first) }
            } else {
                state.sessionCreatedLine = line
            }
            state.config = Lookup.dict(object, "session")
        case .sessionUpdated:
            let session = Lookup.dict(object, "session")
            if !state.pendingSessionUpdates.isEmpty {
                let request = state.pendingSessionUpdates.removeFirst()
                if runs(.sessionUpdateNotReflected) {
                    compareRequested(request.requested, session, requestLine: request.line)
                }
            }
            state.config = session
            resolve(answer: type)
        case .itemCreated:
            itemCreated(object)
        case .itemDone:
            if let id = Lookup.string(object, "item.id"), state.items[id] == nil, !isOutputItem(id) {
                addItem(object)
            }
        case .itemRetrieved:
            requireItem(Lookup.string(object, "item.id"), what: "retrieved item")
            resolve(answer: type)
        case .itemTruncated:
            requireItem(Lookup.string(object, "item_id"), what: "truncated item")
            resolve(answer: type)
        case .itemDeleted:
            if let id = Lookup.string(object, "item_id") {
                requireItem(id, what: "deleted item")
                state.items.removeValue(forKey: id)
                state.deletedItems.insert(id)
            }
            resolve(answer: type)
        case .transcriptionDelta, .transcriptionOther:
            inputTranscription(type, object)
        case .committed:
            committed(object)
        case .speechStarted:
            speechStarted(object)
        case .speechStopped:
            speechStopped(object)
        case .error:
            serverError(object)
        case .rateLimits:
            break  // rate-limits-invalid is a RuleCheck
        case .responseCreated, .responseDone, .outputItemAdded, .outputItemDone, .partAdded, .partDone,
            .argumentsDone, .responseOther:
            responseEvent(type, object, spec)
        default:
            if let spec, spec.direction == .serverToClient { resolve(answer: type) }
        }
    }

    // MARK: - Conversation items

    func isOutputItem(_ id: String) -> Bool { state.outputItems[id] != nil }

    mutating func addItem(_ object: JSONValue) {
        guard let id = Lookup.string(object, "item.id") else { return }
        var item = SessionState.Item(
            id: id, type: Lookup.string(object, "item.type"), role: Lookup.string(object, "item.role"),
            callID: Lookup.string(object, "item.call_id"), line: line)
        if let output = state.outputItems[id] { item.responseOutput = (output.response, output.index) }
        state.items[id] = item
        state.deletedItems.remove(id)
        if item.type == "function_call", let call = item.callID { state.callItems[call] = line }
        state.earlyTranscriptionItems.removeValue(forKey: id)
    }

    mutating func itemCreated(_ object: JSONValue) {
        if runs(.previousItemUnknown) { checkPreviousItemUnknown(object) }
        guard let id = Lookup.string(object, "item.id") else { return }
        addItem(object)
        // An output item of an open response: now part of the conversation.
        if let output = state.outputItems[id], state.responses[output.response]?.doneLine == nil {
            state.responses[output.response]?.outputs[output.index]?.inConversation = true
            return
        }
        // The item of a commit or a VAD turn.
        if state.bufferItems.contains(id) || state.lastCommittedItem == id {
            if runs(.vadIDMismatch) { checkVADIDMismatch(userItem: id) }
            state.lastCommittedItem = nil
            return
        }
        // Otherwise the acknowledgement of a client conversation.item.create.
        let ackIndex =
            state.pending.firstIndex { $0.type == EventNames.itemCreate && $0.itemID == id }
            ?? state.pending.firstIndex { $0.type == EventNames.itemCreate }
        guard let ackIndex else { return }
        let request = state.pending.remove(at: ackIndex)
        if runs(.itemAckIDMismatch) { checkItemAckIDMismatch(request, acknowledged: id) }
    }

    mutating func inputTranscription(_ type: String, _ object: JSONValue) {
        guard let id = Lookup.string(object, "item_id") else { return }
        if state.items[id] == nil {
            if state.deletedItems.contains(id) {
                requireItem(id, what: "transcribed item")
            } else if state.earlyTranscriptionItems[id] == nil {
                state.earlyTranscriptionItems[id] = (line, index)  // T2: may precede the item
            }
        }
        let key = "\(id)#\(Lookup.int(object, "content_index") ?? 0)"
        if currentRole == .transcriptionDelta {
            state.inputTranscripts[key, default: ""] += Lookup.string(object, "delta") ?? ""
        } else if type == EventNames.transcriptionCompleted,
            let deltas = state.inputTranscripts.removeValue(forKey: key), runs(.inputTranscriptAccumulation)
        {
            checkInputTranscriptAccumulation(object, deltas: deltas, id)
        }
    }

    // MARK: - Input audio buffer and VAD

    mutating func committed(_ object: JSONValue) {
        if runs(.previousItemUnknown) { checkPreviousItemUnknown(object) }
        guard let id = Lookup.string(object, "item_id") else { return }
        state.bufferItems.insert(id)
        if runs(.vadIDMismatch) { checkVADIDMismatch(committed: id) }
        state.speechItem = nil
        resolve(answer: EventNames.committed)
    }

    mutating func speechStarted(_ object: JSONValue) {
        if runs(.vadWithoutTurnDetection) { checkVADWithoutTurnDetection(EventNames.speechStarted) }
        let start = Lookup.int(object, "audio_start_ms") ?? 0
        if runs(.vadIDMismatch) { checkVADIDMismatch(audioStart: start) }
        state.lastSpeechStartMs = max(state.lastSpeechStartMs, start)
        if let id = Lookup.string(object, "item_id") { state.speechItem = (id, line, start) }
    }

    mutating func speechStopped(_ object: JSONValue) {
        if runs(.vadWithoutTurnDetection) { checkVADWithoutTurnDetection(EventNames.speechStopped) }
        if runs(.vadIDMismatch) { checkVADIDMismatch(speechStopped: object) }
    }

    // MARK: - Errors and limits

    mutating func serverError(_ object: JSONValue) {
        let code = Lookup.string(object, "error.code") ?? Lookup.string(object, "error.type") ?? "error"
        let message = Lookup.string(object, "error.message") ?? ""
        var related: [RelatedLine] = []
        if let causeValue = Lookup.value(object, "error.event_id"), let cause = causeValue.string {
            if let client = state.clientEvent(causeValue.bytesHash) {
                related.append(RelatedLine(line: client.line, note: "the \(client.type) it answers"))
            }
            state.pending.removeAll { $0.eventID == cause }
            let causeLine = state.clientEvent(causeValue.bytesHash)?.line
            state.cancels.removeAll { c in causeLine == c.line }
        } else if let last = state.pending.indices.last {
            // error.event_id may be null; attribute it to the most recent client request.
            related.append(
                RelatedLine(line: state.pending[last].line, note: "probably answers this \(state.pending[last].type)"))
            state.pending.remove(at: last)
        }
        if code == "response_cancel_not_active" { state.cancels.removeAll() }
        if runs(.serverError) { reportServerError(code: code, message: message, related: related) }
    }

    // MARK: - Answers to client events

    /// Resolves the oldest client request that `answer` answers.
    mutating func resolve(answer: String) {
        if let i = state.pending.firstIndex(where: { $0.answers.contains(answer) }) { state.pending.remove(at: i) }
    }

}
