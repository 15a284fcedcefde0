import RealtimeProtocol
import RealtimeRecording

// Client events: what the client asks for and whether it may.
// Rules: response-create-while-active, function-output-unknown-call, previous-item-unknown,
// truncate-*, item-reference-unknown, session-update-out-of-range; registers answers awaited.

extension SessionValidator {
    mutating func client(_ type: String, _ object: JSONValue, _ spec: EventSpec?) {
        switch currentRole {
        case .sessionUpdate:
            checkRanges(JSON.dict(object, "session"))
            state.pendingSessionUpdates.append((line, JSON.dict(object, "session")))
        case .itemCreate:
            if let previous = JSON.string(object, "previous_item_id"), previous != "root", state.items[previous] == nil
            {
                emit(
                    "previous-item-unknown",
                    "conversation.item.create inserts after \(previous), which is not in the conversation.",
                    expected: "\"root\", null or an existing item id", actual: previous, subject: previous,
                    priorID: true)
            }
            if JSON.string(object, "item.type") == "function_call_output",
                let call = JSON.string(object, "item.call_id")
            {
                if state.callItems[call] == nil {
                    emit(
                        "function-output-unknown-call",
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
                    "response-create-while-active",
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
                "truncate-target-invalid",
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
                "truncate-target-invalid", "Content part \(ci) of \(id) is \(part.type ?? "not audio"), not audio.",
                expected: "an audio part", actual: part.type ?? "?", subject: id)
            return
        }
        let bytesPerMs = isPCM16Output ? 48.0 : 8.0
        let received = Int((Double(part.audioBytes) / bytesPerMs).rounded(.down))
        let end = JSON.int(object, "audio_end_ms") ?? 0
        if part.audioBytes == 0 {
            emit(
                "truncate-beyond-audio", "Truncating \(id) before any of its audio arrived.",
                expected: "audio received first",
                actual: "0 ms received, audio_end_ms \(end)", subject: id)
        } else if end > received {
            emit(
                "truncate-beyond-audio",
                "audio_end_ms \(end) is beyond the \(received) ms of audio received for \(id).",
                expected: "≤ \(received) ms", actual: "\(end) ms", subject: id)
        }
    }

    /// Documented ranges of session settings (beta and GA spellings).
    mutating func checkRanges(_ session: JSONValue?) {
        func check(_ paths: [String], _ range: ClosedRange<Double>, allowing word: String? = nil) {
            for path in paths {
                guard let value = JSON.value(session, path), !value.isNull else { continue }
                if let word, value.string == word { continue }
                guard let number = JSON.double(session, path), range.contains(number) else {
                    emit(
                        "session-update-out-of-range", "session.\(path) is outside its documented range.",
                        expected: "\(range.lowerBound)…\(range.upperBound)" + (word.map { " or \"\($0)\"" } ?? ""),
                        actual: JSON.render(value))
                    continue
                }
            }
        }
        check(["temperature"], 0.6...1.2)
        check(["max_response_output_tokens", "max_output_tokens"], 1...4096, allowing: "inf")
        check(["turn_detection.idle_timeout_ms", "audio.input.turn_detection.idle_timeout_ms"], 5000...30000)
        check(["speed", "audio.output.speed"], 0.25...1.5)
        check(["turn_detection.threshold", "audio.input.turn_detection.threshold"], 0...1)
    }

    /// End-of-session checks.
    mutating func finishChecks() {
        for rid in state.responseOrder {
            guard let response = state.responses[rid], response.doneLine == nil else { continue }
            emit(
                "response-not-done", "Response \(rid) never got its response.done.", expected: "response.done",
                actual: "end of recording", subject: rid, line: response.createdLine, index: 0,
                type: EventNames.responseCreated)
        }
        for request in state.pending {
            emit(
                "client-event-unanswered",
                "\(request.type) got neither \(request.answers.sorted().joined(separator: " nor ")) nor an error.",
                expected: request.answers.sorted().joined(separator: " | "),
                actual: "no answer by the end of the recording",
                line: request.line, index: request.index, type: request.type, eventID: request.eventID)
        }
        for output in state.functionOutputsAwaitingResponse {
            emit(
                "function-output-without-response",
                "function_call_output for \(output.callID) was never followed by a response.",
                expected: "response.create after the function output", actual: "no response by the end",
                subject: output.callID, line: output.line, index: output.index, type: EventNames.itemCreate)
        }
        for cancel in state.cancels {
            emit(
                "cancel-unresolved", "response.cancel was followed by neither a finished response nor an error.",
                expected: "response.done (cancelled) or error response_cancel_not_active", actual: "nothing",
                subject: cancel.responseID, line: cancel.line, index: cancel.index, type: EventNames.responseCancel)
        }
        for (id, first) in state.earlyTranscriptionItems.sorted(by: { $0.value.line < $1.value.line }) {
            emit(
                "item-reference-unknown", "Transcription events refer to item \(id), which never appeared.",
                expected: "the item's created/added event", actual: "none", subject: id, line: first.line,
                index: first.index, priorID: true)
        }
    }
}
