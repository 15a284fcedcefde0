import RealtimeProtocol
import RealtimeRecording

// Server events about the session, the conversation, the input buffer, errors and limits.
// Rules: session-created-once, session-update-not-reflected, previous-item-unknown,
// item-reference-unknown, item-ack-id-mismatch, vad-*, input-transcript-accumulation,
// server-error, rate-limits-invalid, client-event-unanswered (resolution).

extension SessionValidator {
    mutating func server(_ type: String, _ object: JSONValue, _ spec: EventSpec?) {
        switch currentRole {
        case .sessionCreated:
            if let first = state.sessionCreatedLine {
                guard !currentMoves.allows(.session, from: ProtocolStateMachine.Phase.open) else { break }
                emit(
                    .sessionCreatedOnce, "A second \(type) arrived.", expected: "exactly one",
                    actual: "another at line \(line)",
                    related: [RelatedLine(line: first, note: "first \(type)")])
            } else {
                state.sessionCreatedLine = line
            }
            state.config = JSON.dict(object, "session")
        case .sessionUpdated:
            let session = JSON.dict(object, "session")
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
            if let id = JSON.string(object, "item.id"), state.items[id] == nil, !isOutputItem(id) {
                addItem(object)
            }
        case .itemRetrieved:
            requireItem(JSON.string(object, "item.id"), what: "retrieved item")
            resolve(answer: type)
        case .itemTruncated:
            requireItem(JSON.string(object, "item_id"), what: "truncated item")
            resolve(answer: type)
        case .itemDeleted:
            if let id = JSON.string(object, "item_id") {
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
        guard let id = JSON.string(object, "item.id") else { return }
        var item = SessionState.Item(
            id: id, type: JSON.string(object, "item.type"), role: JSON.string(object, "item.role"),
            callID: JSON.string(object, "item.call_id"), line: line)
        if let output = state.outputItems[id] { item.responseOutput = (output.response, output.index) }
        state.items[id] = item
        state.deletedItems.remove(id)
        if item.type == "function_call", let call = item.callID { state.callItems[call] = line }
        state.earlyTranscriptionItems.removeValue(forKey: id)
    }

    /// Checks that `previous_item_id` is null or an item of the conversation (invariant 20).
    mutating func checkPreviousItem(_ object: JSONValue) {
        guard let previous = JSON.string(object, "previous_item_id"), state.items[previous] == nil else { return }
        emit(
            .previousItemUnknown, "previous_item_id \(previous) is not an item of the conversation.",
            expected: "null or an existing item id", actual: previous, subject: previous, priorID: true)
    }

    mutating func itemCreated(_ object: JSONValue) {
        checkPreviousItem(object)
        guard let id = JSON.string(object, "item.id") else { return }
        addItem(object)
        // An output item of an open response: now part of the conversation.
        if let output = state.outputItems[id], state.responses[output.response]?.doneLine == nil {
            state.responses[output.response]?.outputs[output.index]?.inConversation = true
            return
        }
        // The item of a commit or a VAD turn.
        if state.bufferItems.contains(id) || state.lastCommittedItem == id {
            if let speech = state.speechItem, speech.id != id, state.lastCommittedItem == nil {
                emit(
                    .vadIDMismatch, "The user item \(id) does not match the VAD turn's item \(speech.id).",
                    expected: speech.id, actual: id, related: [RelatedLine(line: speech.line, note: "speech_started")])
            }
            state.lastCommittedItem = nil
            return
        }
        // Otherwise the acknowledgement of a client conversation.item.create.
        let ackIndex =
            state.pending.firstIndex { $0.type == EventNames.itemCreate && $0.itemID == id }
            ?? state.pending.firstIndex { $0.type == EventNames.itemCreate }
        guard let ackIndex else { return }
        let request = state.pending.remove(at: ackIndex)
        if let wanted = request.itemID, wanted != id {
            emit(
                .itemAckIDMismatch, "The client created item \(wanted) but the server acknowledged \(id).",
                expected: wanted, actual: id, subject: wanted,
                related: [RelatedLine(line: request.line, note: "conversation.item.create")])
        }
    }

    mutating func requireItem(_ id: String?, what: String) {
        guard let id, state.items[id] == nil else { return }
        let deleted = state.deletedItems.contains(id)
        emit(
            .itemReferenceUnknown, "The \(what) \(id) \(deleted ? "was deleted" : "is not in the conversation").",
            expected: "an existing item", actual: id, subject: id, priorID: !deleted)
    }

    mutating func inputTranscription(_ type: String, _ object: JSONValue) {
        guard let id = JSON.string(object, "item_id") else { return }
        if state.items[id] == nil {
            if state.deletedItems.contains(id) {
                requireItem(id, what: "transcribed item")
            } else if state.earlyTranscriptionItems[id] == nil {
                state.earlyTranscriptionItems[id] = (line, index)  // T2: may precede the item
            }
        }
        let key = "\(id)#\(JSON.int(object, "content_index") ?? 0)"
        if currentRole == .transcriptionDelta {
            state.inputTranscripts[key, default: ""] += JSON.string(object, "delta") ?? ""
        } else if type == EventNames.transcriptionCompleted,
            let deltas = state.inputTranscripts.removeValue(forKey: key),
            let transcript = JSON.string(object, "transcript"), deltas != transcript
        {
            emit(
                .inputTranscriptAccumulation, "Input transcription deltas of \(id) do not add up to the transcript.",
                expected: JSON.render(transcript), actual: JSON.render(deltas), subject: id)
        }
    }

    // MARK: - Input audio buffer and VAD

    mutating func committed(_ object: JSONValue) {
        checkPreviousItem(object)
        guard let id = JSON.string(object, "item_id") else { return }
        state.bufferItems.insert(id)
        let manual = state.pending.contains { $0.type == EventNames.commit }
        if let speech = state.speechItem, speech.id != id, !manual {
            emit(
                .vadIDMismatch, "The committed item \(id) does not match the VAD turn's item \(speech.id).",
                expected: speech.id, actual: id, subject: id,
                related: [RelatedLine(line: speech.line, note: "speech_started")])
        }
        state.speechItem = nil
        resolve(answer: EventNames.committed)
    }

    var turnDetectionOff: Bool {
        if let ga = JSON.value(state.config, "audio.input.turn_detection") { return ga.isNull }
        return JSON.value(state.config, "turn_detection")?.isNull ?? false
    }

    mutating func speechStarted(_ object: JSONValue) {
        if turnDetectionOff {
            emit(
                .vadWithoutTurnDetection, "speech_started arrived while turn_detection is null.",
                expected: "no VAD events", actual: "input_audio_buffer.speech_started")
        }
        let start = JSON.int(object, "audio_start_ms") ?? 0
        if start < state.lastSpeechStartMs {
            emit(
                .vadIDMismatch, "audio_start_ms went backwards.", expected: "≥ \(state.lastSpeechStartMs)",
                actual: "\(start)")
        }
        state.lastSpeechStartMs = max(state.lastSpeechStartMs, start)
        if let id = JSON.string(object, "item_id") { state.speechItem = (id, line, start) }
    }

    mutating func speechStopped(_ object: JSONValue) {
        if turnDetectionOff {
            emit(
                .vadWithoutTurnDetection, "speech_stopped arrived while turn_detection is null.",
                expected: "no VAD events", actual: "input_audio_buffer.speech_stopped")
        }
        guard let speech = state.speechItem else { return }
        if let id = JSON.string(object, "item_id"), id != speech.id {
            emit(
                .vadIDMismatch, "speech_stopped names item \(id), speech_started named \(speech.id).",
                expected: speech.id, actual: id, related: [RelatedLine(line: speech.line, note: "speech_started")])
        }
        if let end = JSON.int(object, "audio_end_ms"), end < speech.startMs {
            emit(
                .vadIDMismatch, "audio_end_ms is before the turn's audio_start_ms.",
                expected: "≥ \(speech.startMs)", actual: "\(end)",
                related: [RelatedLine(line: speech.line, note: "speech_started")])
        }
    }

    // MARK: - Errors and limits

    mutating func serverError(_ object: JSONValue) {
        let code = JSON.string(object, "error.code") ?? JSON.string(object, "error.type") ?? "error"
        let message = JSON.string(object, "error.message") ?? ""
        var related: [RelatedLine] = []
        if let causeValue = JSON.value(object, "error.event_id"), let cause = causeValue.string {
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
        emit(
            .serverError, "The server rejected a request: \(code)\(message.isEmpty ? "" : " — \(message)")",
            expected: "no error", actual: code, related: related)
    }

    // MARK: - Answers to client events

    /// Resolves the oldest client request that `answer` answers.
    mutating func resolve(answer: String) {
        if let i = state.pending.firstIndex(where: { $0.answers.contains(answer) }) { state.pending.remove(at: i) }
    }

}
