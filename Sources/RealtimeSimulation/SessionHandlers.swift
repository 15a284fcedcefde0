import Foundation
import RealtimeProtocol
import RealtimeRecording

/// Client event handlers of the simulated session (protocol reference §4.2).
extension SimulatedSession {
    func handle(_ type: String, _ event: JSON, eventID: String?, now: Int64, into out: inout [JSON]) {
        switch type {
        case "session.update":
            if let refused = config.apply(event["session"] ?? nil) {
                out.append(error(refused.code, refused.message, param: refused.param, eventID: eventID))
            } else {
                configureVAD()
                out.append(self.event("session.updated", [("session", config.object)]))
            }
        case "input_audio_buffer.append":
            guard let base64 = event["audio"]?.string, let pcm = Data(base64Encoded: base64) else {
                out.append(
                    error(
                        "invalid_value", "Invalid 'audio': expected base64-encoded PCM16.", param: "audio",
                        eventID: eventID))
                return
            }
            bufferedBytes += pcm.count
            if config.turnDetection != nil { detectSpeech(in: [UInt8](pcm), now: now, into: &out) }
        case "input_audio_buffer.commit":
            guard bufferedBytes >= 4800 else {
                let ms = Double(bufferedBytes) / 48
                out.append(
                    error(
                        "input_audio_buffer_commit_empty",
                        String(
                            format:
                                "Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has %.2fms of audio.",
                            ms),
                        param: nil, eventID: eventID))
                return
            }
            vad.reset()
            commitAudio(itemID: speechItemID ?? ids.next("item"), into: &out)
            speechItemID = nil
        case "input_audio_buffer.clear":
            bufferedBytes = 0
            vad.reset()
            speechItemID = nil
            out.append(self.event("input_audio_buffer.cleared", []))
        case "conversation.item.create":
            createItem(event, eventID: eventID, into: &out)
        case "conversation.item.retrieve", "conversation.item.delete", "conversation.item.truncate":
            let itemID = event["item_id"]?.string ?? ""
            guard let index = conversation.firstIndex(where: { $0.id == itemID }) else {
                out.append(
                    error(
                        "item_not_found", "Item with item_id '\(itemID)' not found.", param: "item_id", eventID: eventID
                    ))
                return
            }
            if type == "conversation.item.retrieve" {
                out.append(self.event("conversation.item.retrieved", [("item", conversation[index].object)]))
            } else if type == "conversation.item.delete" {
                conversation.remove(at: index)
                out.append(self.event("conversation.item.deleted", [("item_id", .string(itemID))]))
            } else {
                truncate(index, event, eventID: eventID, into: &out)
            }
        case "response.create":
            if let run = active {
                out.append(
                    error(
                        "conversation_already_has_active_response",
                        "Conversation already has an active response in progress: \(run.id). Wait until the response is finished before creating a new one.",
                        param: nil, eventID: eventID))
                return
            }
            startResponse(event["response"], now: now)
        case "response.cancel":
            guard let run = active else {
                out.append(
                    error(
                        "response_cancel_not_active", "Cancellation failed: no active response found.", param: nil,
                        eventID: eventID))
                return
            }
            out += run.cancel(status: "cancelled", reason: "client_cancelled", &ids)
            active = nil
        default:
            out.append(
                error(
                    "unsupported_event",
                    "The simulated server does not support '\(type)' (\(EventCatalog.standard.spec(for: type)?.transport.rawValue ?? "")).",
                    param: "type", eventID: eventID))
        }
    }

    func configureVAD() {
        guard let vadConfig = config.turnDetection else { return }
        vad.threshold = vadConfig["threshold"]?.double ?? 0.5
        vad.silenceMs = Int(vadConfig["silence_duration_ms"]?.double ?? 500)
        vad.prefixPaddingMs = Int(vadConfig["prefix_padding_ms"]?.double ?? 300)
    }

    private func detectSpeech(in pcm: [UInt8], now: Int64, into out: inout [JSON]) {
        for change in vad.feed(pcm) {
            switch change {
            case .started(let startMs):
                let itemID = ids.next("item")
                speechItemID = itemID
                out.append(
                    event(
                        "input_audio_buffer.speech_started",
                        [("audio_start_ms", .int(startMs)), ("item_id", .string(itemID))]))
                if let run = active, config.turnDetection?["interrupt_response"]?.bool ?? true {
                    out += run.cancel(status: "cancelled", reason: "turn_detected", &ids)
                    active = nil
                }
            case .stopped(let endMs):
                let itemID = speechItemID ?? ids.next("item")
                out.append(
                    event(
                        "input_audio_buffer.speech_stopped",
                        [("audio_end_ms", .int(endMs)), ("item_id", .string(itemID))]))
                commitAudio(itemID: itemID, into: &out)
                speechItemID = nil
                if config.turnDetection?["create_response"]?.bool ?? true, active == nil {
                    startResponse(nil, now: now)
                    pump(now: now, into: &out)
                }
            }
        }
    }

    private func commitAudio(itemID: String, into out: inout [JSON]) {
        let ms = bufferedBytes / 48
        bufferedBytes = 0
        let previous = conversation.last?.id
        out.append(
            event(
                "input_audio_buffer.committed",
                [("previous_item_id", previous.map(JSON.string) ?? nil), ("item_id", .string(itemID))]))
        var item: JSON = .object([("id", .string(itemID))])
        if dialect == .beta { item.set("object", "realtime.item") }
        item = item.merging(
            .object([
                ("type", "message"), ("status", "completed"), ("role", "user"),
                ("content", [.object([("type", "input_audio"), ("transcript", nil)])]),
            ]), deep: false)
        conversation.append(
            ConversationItem(
                id: itemID, type: "message", role: "user", text: "", callID: nil, audioMs: ms, object: item))
        announce(item, previous: previous, into: &out)
        if config.transcribesInput {
            var fields: [(String, JSON)] = [
                ("item_id", .string(itemID)), ("content_index", 0),
                ("transcript", .string(String(format: "(%.1f seconds of speech)", Double(ms) / 1000))),
            ]
            if dialect == .ga {
                fields.append(("usage", .object([("type", "duration"), ("seconds", .double(Double(ms) / 1000))])))
            }
            out.append(event("conversation.item.input_audio_transcription.completed", fields))
        }
    }

    /// `conversation.item.created` (beta) or `.added` + `.done` (GA) for a new item.
    private func announce(_ item: JSON, previous: String?, into out: inout [JSON]) {
        let prev: JSON = previous.map(JSON.string) ?? nil
        out.append(event("conversation.item.created", [("previous_item_id", prev), ("item", item)]))
        if dialect == .ga { out.append(event("conversation.item.done", [("previous_item_id", prev), ("item", item)])) }
    }

    private func createItem(_ event: JSON, eventID: String?, into out: inout [JSON]) {
        guard let item = event["item"], case .object = item else {
            out.append(
                error("invalid_type", "Invalid type for 'item': expected an object.", param: "item", eventID: eventID))
            return
        }
        let type = item["type"]?.string ?? "message"
        let id = item["id"]?.string ?? ids.next("item")
        if conversation.contains(where: { $0.id == id }) {
            out.append(
                error("item_already_exists", "Item with id '\(id)' already exists.", param: "item.id", eventID: eventID)
            )
            return
        }
        var previous = conversation.last?.id
        if let after = event["previous_item_id"]?.string {
            guard conversation.contains(where: { $0.id == after }) else {
                out.append(
                    error(
                        "previous_item_not_found", "Previous item with id '\(after)' not found.",
                        param: "previous_item_id", eventID: eventID))
                return
            }
            previous = after
        }
        var text = ""
        let callID = item["call_id"]?.string
        switch type {
        case "message":
            text = (item["content"]?.array ?? []).compactMap { $0["text"]?.string ?? $0["transcript"]?.string }.joined(
                separator: " ")
        case "function_call_output":
            guard let callID, conversation.contains(where: { $0.type == "function_call" && $0.callID == callID }) else {
                out.append(
                    error(
                        "invalid_value", "No function call with call_id '\(callID ?? "")' found in the conversation.",
                        param: "item.call_id", eventID: eventID))
                return
            }
            text = item["output"]?.string ?? ""
        case "function_call":
            text = item["arguments"]?.string ?? ""
        default:
            out.append(
                error(
                    "invalid_value",
                    "Invalid value: '\(type)'. Supported values are: 'message', 'function_call' and 'function_call_output'.",
                    param: "item.type", eventID: eventID))
            return
        }
        var stored: JSON = .object([("id", .string(id))])
        if dialect == .beta { stored.set("object", "realtime.item") }
        stored = stored.merging(.object([("type", .string(type)), ("status", "completed")]), deep: false)
        stored = stored.merging(item, deep: false)
        stored.set("id", .string(id))
        let entry = ConversationItem(
            id: id, type: type, role: item["role"]?.string, text: text, callID: callID, audioMs: 0, object: stored)
        if let after = previous, let at = conversation.firstIndex(where: { $0.id == after }) {
            conversation.insert(entry, at: at + 1)
        } else {
            conversation.insert(entry, at: 0)
        }
        announce(stored, previous: previous, into: &out)
    }

    private func truncate(_ index: Int, _ event: JSON, eventID: String?, into out: inout [JSON]) {
        let item = conversation[index]
        let endMs = Int(event["audio_end_ms"]?.double ?? 0)
        guard item.role == "assistant", item.audioMs > 0 else {
            out.append(
                error(
                    "invalid_value", "Only assistant messages with audio can be truncated.", param: "item_id",
                    eventID: eventID))
            return
        }
        guard endMs <= item.audioMs else {
            out.append(
                error(
                    "invalid_value", "audio_end_ms \(endMs) is longer than the item's audio (\(item.audioMs) ms).",
                    param: "audio_end_ms", eventID: eventID))
            return
        }
        conversation[index].audioMs = endMs
        out.append(
            self.event(
                "conversation.item.truncated",
                [
                    ("item_id", .string(item.id)), ("content_index", .int(Int(event["content_index"]?.double ?? 0))),
                    ("audio_end_ms", .int(endMs)),
                ]))
    }

    /// Plans the answer to the conversation so far and makes it the active response.
    func startResponse(_ request: JSON?, now: Int64) {
        let audio = request.flatMap { SessionConfig.audio(in: $0, dialect: dialect) } ?? config.audioOutput
        let tools = (request?["tools"]?.array).flatMap { $0.isEmpty ? nil : $0 } ?? config.tools
        let (output, shape) = scriptedReply(audio: audio) ?? (plan(audio: audio, tools: tools), nil)
        let itemID = ids.next("item")
        let callID: String? = if case .functionCall = output { ids.next("call") } else { nil }
        let words = conversation.reduce(0) { $0 + $1.text.split(separator: " ").count + $1.audioMs / 100 }
        let run = ResponseRun(
            id: ids.next("resp"), dialect: dialect, outputs: [(itemID, output, callID)],
            previousItemID: conversation.last?.id, inputTokens: words, metadata: request?["metadata"] ?? nil,
            shapes: [shape])
        var stored: JSON = run.itemObject(0)
        stored.set("status", "completed")
        conversation.append(
            ConversationItem(
                id: itemID, type: callID == nil ? "message" : "function_call", role: callID == nil ? "assistant" : nil,
                text: "", callID: callID, audioMs: shape?.audioMs ?? ResponseRun.audioMs(of: output), object: stored))
        active = run
        nextDeltaAt = now + Int64(options.firstDeltaMs)
    }

    private func plan(audio: Bool, tools: [JSON]) -> PlannedOutput {
        guard let last = conversation.last(where: { $0.role != "assistant" }) else {
            return .message(text: "Hello! How can I help you today?", audio: audio)
        }
        switch last.type {
        case "function_call_output":
            return .message(text: "The function returned: \(last.text)", audio: audio)
        case "message" where last.audioMs > 0 && last.text.isEmpty:
            return .message(
                text: String(format: "I heard %.1f seconds of audio.", Double(last.audioMs) / 1000), audio: audio)
        default:
            let lowered = last.text.lowercased()
            for tool in tools {
                guard let name = tool["name"]?.string else { continue }
                let spoken = name.replacingOccurrences(of: "_", with: " ").lowercased()
                if lowered.contains(name.lowercased()) || lowered.contains(spoken) {
                    return .functionCall(name: name, arguments: arguments(for: tool, text: last.text))
                }
            }
            return .message(text: "You said: \(last.text)", audio: audio)
        }
    }

    /// Arguments for `tool`: every string property gets the user's text, other properties are left out.
    private func arguments(for tool: JSON, text: String) -> String {
        guard case .object(let properties)? = tool["parameters"]?["properties"] else { return "{}" }
        let pairs = properties.filter { $0.1["type"]?.string == "string" }.map { ($0.0, JSON.string(text)) }
        return JSON.object(pairs).encoded
    }
}
