import Foundation
import RealtimeProtocol
import RealtimeRecording

// Output items, content parts and delta streams inside one response (§4.3 N2–N7, inv. 9–18).

extension SessionValidator {
    typealias Phase = ProtocolStateMachine.Phase

    /// Output items, parts and streams of an open response; their order is checked against the state machine.
    mutating func stream(
        _ type: String, _ object: JSONValue, _ spec: EventSpec?, _ response: inout SessionState.Response
    ) {
        let rid = response.id
        let outputIndex = JSON.int(object, "output_index")
        switch currentRole {
        case .outputItemAdded:
            guard let outputIndex else { return }
            let phase = response.outputs[outputIndex].map { $0.doneLine == nil ? Phase.open : Phase.finished }
            if outputIndex != response.nextOutputIndex || !currentMoves.allows(.item, from: phase ?? Phase.start) {
                emit(
                    .outputIndexSequence, "Output index \(outputIndex) of \(rid) is out of sequence.",
                    expected: "\(response.nextOutputIndex)", actual: "\(outputIndex)", subject: rid)
            }
            let status = JSON.string(object, "item.status")
            let content = JSON.array(object, "item.content") ?? []
            if status != nil && status != "in_progress" || !content.isEmpty {
                emit(
                    .outputItemStatus, "output_item.added should announce an in_progress item with empty content.",
                    expected: "status in_progress, content []",
                    actual: "status \(status ?? "absent"), \(content.count) parts",
                    subject: JSON.string(object, "item.id"))
            }
            lastPart = nil  // the fast path's cached part may belong to the output replaced here
            response.outputs[outputIndex] = SessionState.Output(
                itemID: JSON.string(object, "item.id"), itemType: JSON.string(object, "item.type"), addedLine: line,
                callID: JSON.string(object, "item.call_id"), name: JSON.string(object, "item.name"))
            if let item = JSON.string(object, "item.id") { state.outputItems[item] = (rid, outputIndex) }
            // min(…): an output_index of Int.max must not trap.
            response.nextOutputIndex = max(response.nextOutputIndex, min(outputIndex, .max - 1) + 1)
        case .outputItemDone:
            guard let outputIndex, let output = takeOutput(&response, outputIndex, rid) else { return }
            defer { response.outputs[outputIndex] = output }
            if let id = JSON.string(object, "item.id"), id != output.itemID {
                emit(
                    .outputIndexSequence,
                    "output_item.done at index \(outputIndex) carries item \(id), not \(output.itemID ?? "?").",
                    expected: output.itemID ?? "?", actual: id, subject: rid,
                    related: [RelatedLine(line: output.addedLine, note: "output_item.added")])
            }
            let status = JSON.string(object, "item.status")
            if let status, status != "completed", status != "incomplete" {
                emit(
                    .outputItemStatus, "output_item.done has item status \(status).",
                    expected: "completed | incomplete",
                    actual: status, subject: output.itemID)
            }
            for (ci, part) in output.parts.sorted(by: { $0.key < $1.key }) where part.doneLine == nil {
                emit(
                    .outputItemNotClosed,
                    "Content part \(ci) of item \(output.itemID ?? "?") has no content_part.done.",
                    expected: "response.content_part.done before output_item.done", actual: "missing",
                    subject: output.itemID,
                    related: [RelatedLine(line: part.addedLine, note: "content_part.added")])
            }
            if let item = JSON.dict(object, "item") { compareItem(item, output, where: "output_item.done") }
            output.doneLine = line
            response.outputs[outputIndex] = output
        case .partAdded:
            guard let outputIndex, var output = takeOutput(&response, outputIndex, rid) else { return }
            defer { response.outputs[outputIndex] = output }
            requireConversation(&output, response)
            let ci = JSON.int(object, "content_index") ?? -1
            let phase = output.parts[ci].map { $0.doneLine == nil ? Phase.open : Phase.finished }
            if ci != output.nextContentIndex || !currentMoves.allows(.part, from: phase ?? Phase.start) {
                emit(
                    .contentIndexSequence, "Content index \(ci) of item \(output.itemID ?? "?") is out of sequence.",
                    expected: "\(output.nextContentIndex)", actual: "\(ci)", subject: output.itemID)
            }
            lastPart = nil
            output.parts[ci] = SessionState.Part(type: JSON.string(object, "part.type"), addedLine: line)
            output.nextContentIndex = max(output.nextContentIndex, min(ci, .max - 1) + 1)  // Int.max must not trap
            response.outputs[outputIndex] = output
        case .partDone:
            guard let outputIndex, var output = takeOutput(&response, outputIndex, rid) else { return }
            defer { response.outputs[outputIndex] = output }
            let ci = JSON.int(object, "content_index") ?? -1
            guard let part = takePart(&output, ci) else { return }
            defer { output.parts[ci] = part }
            for (field, buffer) in part.buffers {
                if let final = JSON.string(object, "part.\(field)"), final != buffer {
                    emit(
                        accumulationRule(field), "content_part.done.part.\(field) differs from the accumulated deltas.",
                        expected: JSON.render(buffer), actual: JSON.render(final), subject: output.itemID)
                }
            }
            part.doneLine = line
            output.parts[ci] = part
            response.outputs[outputIndex] = output
        case .argumentsDone:
            guard let outputIndex, var output = takeOutput(&response, outputIndex, rid) else { return }
            defer { response.outputs[outputIndex] = output }
            argumentsDone(object, &output)
            response.outputs[outputIndex] = output
        default:
            guard let canonicalSpec = catalog.spec(for: type) else { return }
            if let stream = canonicalSpec.stream {
                guard let outputIndex, var output = takeOutput(&response, outputIndex, rid) else { return }
                defer { response.outputs[outputIndex] = output }
                delta(object, stream, &output, response)
                response.outputs[outputIndex] = output
            } else if let stream = catalog.stream(closedBy: type), stream.partType != nil {
                guard let outputIndex, var output = takeOutput(&response, outputIndex, rid) else { return }
                defer { response.outputs[outputIndex] = output }
                streamDone(object, stream, &output)
                response.outputs[outputIndex] = output
            }
        }
    }

    /// The output at `index`, if it was added and is not done; otherwise reports stream-order.
    ///
    /// Removes and returns the output at `index` if it was added and is not done (the caller puts it back), so it can
    /// be mutated without a copy; otherwise reports stream-order.
    mutating func takeOutput(_ response: inout SessionState.Response, _ index: Int, _ rid: String)
        -> SessionState.Output?
    {
        guard let output = response.outputs[index] else {
            guard !currentMoves.allows(.item, from: ProtocolStateMachine.Phase.start) else { return nil }
            emit(
                .streamOrder,
                "\(currentType ?? "event") refers to output \(index) of \(rid) before its output_item.added.",
                expected: "response.output_item.added first", actual: "no output \(index)", subject: rid)
            return nil
        }
        if let done = output.doneLine {
            guard !currentMoves.allows(.item, from: ProtocolStateMachine.Phase.finished) else { return nil }
            emit(
                .streamOrder, "\(currentType ?? "event") arrived after output \(index) of \(rid) was done.",
                expected: "before output_item.done", actual: "after it", subject: output.itemID,
                related: [RelatedLine(line: done, note: "output_item.done")])
            return nil
        }
        guard currentMoves.allows(.item, from: ProtocolStateMachine.Phase.open) else {
            emit(
                .streamOrder, "\(currentType ?? "event") is not an event of open output \(index) of \(rid).",
                expected: "an event the state machine allows", actual: currentType ?? "event", subject: output.itemID)
            return nil
        }
        return response.outputs.removeValue(forKey: index)
    }

    /// Removes and returns content part `ci` if it was added and is not done (the caller puts it back).
    mutating func takePart(_ output: inout SessionState.Output, _ ci: Int) -> SessionState.Part? {
        guard let part = output.parts[ci] else {
            guard !currentMoves.allows(.part, from: ProtocolStateMachine.Phase.start) else { return nil }
            emit(
                .contentIndexSequence,
                "\(currentType ?? "event") refers to content part \(ci) of \(output.itemID ?? "?"), which was never added.",
                expected: "response.content_part.added first", actual: "no part \(ci)", subject: output.itemID)
            return nil
        }
        if let done = part.doneLine {
            guard !currentMoves.allows(.part, from: ProtocolStateMachine.Phase.finished) else { return nil }
            emit(
                .streamOrder,
                "\(currentType ?? "event") arrived after content part \(ci) of \(output.itemID ?? "?") was done.",
                expected: "before content_part.done", actual: "after it", subject: output.itemID,
                related: [RelatedLine(line: done, note: "content_part.done")])
            return nil
        }
        guard currentMoves.allows(.part, from: ProtocolStateMachine.Phase.open) else {
            emit(
                .streamOrder,
                "\(currentType ?? "event") is not an event of open content part \(ci) of \(output.itemID ?? "?").",
                expected: "an event the state machine allows", actual: currentType ?? "event", subject: output.itemID)
            return nil
        }
        return output.parts.removeValue(forKey: ci)
    }

    /// Beta: conversation.item.created (GA: .added) for a server item precedes its content.
    mutating func requireConversation(_ output: inout SessionState.Output, _ response: SessionState.Response) {
        guard response.inDefaultConversation, !output.inConversation else { return }
        output.inConversation = true  // report once per item
        let added = catalog.counterpart(of: EventNames.itemCreated) ?? EventNames.itemCreated
        emit(
            .itemNotInConversation,
            "Item \(output.itemID ?? "?") has content before it was added to the conversation.",
            expected: "\(EventNames.itemCreated) (GA: \(added)) before the first content",
            actual: currentType ?? "content",
            subject: output.itemID, related: [RelatedLine(line: output.addedLine, note: "output_item.added")])
    }

    mutating func delta(
        _ object: JSONValue, _ stream: StreamSpec, _ output: inout SessionState.Output,
        _ response: SessionState.Response
    ) {
        if stream.partType == nil {
            // Function-call (or MCP) arguments: no content part, a function_call item.
            if stream.keys.contains("call_id"), output.itemType != "function_call" {
                emit(
                    .deltaFamilyMismatch, "Argument deltas on a \(output.itemType ?? "?") item.",
                    expected: "a function_call item", actual: output.itemType ?? "?", subject: output.itemID)
            }
            requireConversation(&output, response)
            if let call = JSON.string(object, "call_id"), let expected = output.callID, call != expected {
                emit(
                    .argumentsAccumulation, "call_id \(call) differs from the item's \(expected).",
                    expected: expected,
                    actual: call, subject: output.itemID)
            }
            output.arguments += JSON.string(object, stream.deltaField) ?? ""
            return
        }
        let ci = JSON.int(object, "content_index") ?? -1
        if let item = JSON.string(object, "item_id"), item != output.itemID {
            emit(
                .contentIndexSequence,
                "\(currentType ?? "delta") names item \(item), but output \(JSON.int(object, "output_index") ?? -1) is \(output.itemID ?? "?").",
                expected: output.itemID ?? "?", actual: item, subject: item)
        }
        guard let part = takePart(&output, ci) else { return }
        defer { output.parts[ci] = part }
        if let wanted = stream.partType, let actual = part.type, wanted != actual {
            emit(
                .deltaFamilyMismatch, "\(currentType ?? "delta") on a \(actual) part.", expected: "a \(wanted) part",
                actual: "a \(actual) part", subject: output.itemID)
        }
        if stream.payload == .audio {
            // Only the size matters: measure the base64 in place instead of decoding it.
            if let audio = JSON.value(object, stream.deltaField) {
                let padding = (audio.byte(fromEnd: 0) == 0x3D ? 1 : 0) + (audio.byte(fromEnd: 1) == 0x3D ? 1 : 0)
                part.audioBytes += max(0, audio.byteCount / 4 * 3 - padding)
            }
        } else if let field = stream.finalField {
            part.buffers[field, default: ""] += JSON.string(object, stream.deltaField) ?? ""
        }
    }

    mutating func streamDone(_ object: JSONValue, _ stream: StreamSpec, _ output: inout SessionState.Output) {
        let ci = JSON.int(object, "content_index") ?? -1
        guard let part = takePart(&output, ci) else { return }
        defer { output.parts[ci] = part }
        if let field = stream.finalField, let final = JSON.string(object, field) {
            let buffer = part.buffers[field] ?? ""
            if final != buffer {
                emit(
                    accumulationRule(field), "\(currentType ?? "done").\(field) differs from the concatenated deltas.",
                    expected: JSON.render(buffer), actual: JSON.render(final), subject: output.itemID)
            }
            part.buffers[field] = final
        } else if stream.payload == .audio, part.audioBytes % 2 != 0, isPCM16Output {
            emit(
                .audioSampleAlignment,
                "Audio of item \(output.itemID ?? "?") part \(ci) is \(part.audioBytes) bytes, not whole PCM16 samples.",
                expected: "an even byte count", actual: "\(part.audioBytes) bytes", subject: output.itemID)
        }
        part.typeDone.insert(currentType ?? "")
        output.parts[ci] = part
    }

    mutating func argumentsDone(_ object: JSONValue, _ output: inout SessionState.Output) {
        let arguments = JSON.string(object, "arguments") ?? ""
        if arguments != output.arguments {
            emit(
                .argumentsAccumulation,
                "function_call_arguments.done.arguments differs from the concatenated deltas.",
                expected: JSON.render(output.arguments), actual: JSON.render(arguments), subject: output.itemID)
        }
        if let call = JSON.string(object, "call_id"), let expected = output.callID, call != expected {
            emit(
                .argumentsAccumulation, "call_id \(call) differs from the item's \(expected).", expected: expected,
                actual: call,
                subject: output.itemID)
        }
        if let name = JSON.string(object, "name"), let expected = output.name, name != expected {
            emit(
                .argumentsAccumulation, "function name \(name) differs from the item's \(expected).",
                expected: expected,
                actual: name, subject: output.itemID)
        }
        if !RealtimeRecording.JSON.isValid(arguments) {
            emit(
                .argumentsNotJSON, "The final function-call arguments are not valid JSON.", expected: "JSON text",
                actual: JSON.render(arguments), subject: output.itemID)
        }
        output.arguments = arguments
        output.argumentsDone = true
    }

    /// Text, transcripts and arguments of a finished item must equal what the deltas built.
    mutating func compareItem(_ item: JSONValue, _ output: SessionState.Output, where place: String) {
        if output.itemType == "function_call", output.argumentsDone || !output.arguments.isEmpty,
            let arguments = item["arguments"]?.string, arguments != output.arguments
        {
            emit(
                .argumentsAccumulation, "\(place) item.arguments differs from the streamed arguments.",
                expected: JSON.render(output.arguments), actual: JSON.render(arguments), subject: output.itemID)
        }
        let content = item["content"]
        for (ci, part) in output.parts {
            guard let entry = content?[ci], entry.isObject else { continue }
            for (field, buffer) in part.buffers {
                guard let final = entry[field]?.string, final != buffer else { continue }
                emit(
                    accumulationRule(field), "\(place) item content \(ci).\(field) differs from the streamed value.",
                    expected: JSON.render(buffer), actual: JSON.render(final), subject: output.itemID)
            }
        }
    }

    func accumulationRule(_ field: String) -> RuleInfo {
        field == "transcript"
            ? .transcriptAccumulation : field == "arguments" ? .argumentsAccumulation : .textAccumulation
    }

    var isPCM16Output: Bool {
        let beta = JSON.string(state.config, "output_audio_format")
        let ga = JSON.string(state.config, "audio.output.format.type")
        return (beta ?? "pcm16") == "pcm16" && (ga ?? "audio/pcm") == "audio/pcm"
    }

}
