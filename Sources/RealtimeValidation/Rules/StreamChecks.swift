import Foundation
import RealtimeProtocol
import RealtimeRecording

// Output items, content parts and delta streams inside one response (§4.3 N2–N7, inv. 9–18): which rule checks each
// event calls (each rule's condition is in its file; arguments-not-json's stays in argumentsDone below) and the
// bookkeeping of outputs, parts and accumulated deltas.

extension SessionValidator {
    typealias Phase = ProtocolStateMachine.Phase

    /// Output items, parts and streams of an open response; their order is checked against the state machine.
    mutating func stream(
        _ type: String, _ object: JSONValue, _ spec: EventSpec?, _ response: inout SessionState.Response
    ) {
        let rid = response.id
        let outputIndex = Lookup.int(object, "output_index")
        switch currentRole {
        case .outputItemAdded:
            guard let outputIndex else { return }
            if runs(.outputIndexSequence) { checkOutputIndexSequence(added: outputIndex, response) }
            if runs(.outputItemStatus) { checkOutputItemStatus(added: object) }
            lastPart = nil  // the fast path's cached part may belong to the output replaced here
            response.outputs[outputIndex] = SessionState.Output(
                itemID: Lookup.string(object, "item.id"), itemType: Lookup.string(object, "item.type"), addedLine: line,
                callID: Lookup.string(object, "item.call_id"), name: Lookup.string(object, "item.name"))
            if let item = Lookup.string(object, "item.id") { state.outputItems[item] = (rid, outputIndex) }
            // min(…): an output_index of Int.max must not trap.
            response.nextOutputIndex = max(response.nextOutputIndex, min(outputIndex, .max - 1) + 1)
        case .outputItemDone:
            guard let outputIndex, let output = takeOutput(&response, outputIndex, rid) else { return }
            defer { response.outputs[outputIndex] = output }
            if runs(.outputIndexSequence) { checkOutputIndexSequence(done: object, outputIndex, output, rid) }
            if runs(.outputItemStatus) { checkOutputItemStatus(done: object, output) }
            if runs(.outputItemNotClosed) { checkOutputItemNotClosed(output) }
            if let item = Lookup.dict(object, "item") { compareItem(item, output, where: "output_item.done") }
            output.doneLine = line
            response.outputs[outputIndex] = output
        case .partAdded:
            guard let outputIndex, var output = takeOutput(&response, outputIndex, rid) else { return }
            defer { response.outputs[outputIndex] = output }
            requireConversation(&output, response)
            let ci = Lookup.int(object, "content_index") ?? -1
            if runs(.contentIndexSequence) { checkContentIndexSequence(added: ci, output) }
            lastPart = nil
            output.parts[ci] = SessionState.Part(type: Lookup.string(object, "part.type"), addedLine: line)
            output.nextContentIndex = max(output.nextContentIndex, min(ci, .max - 1) + 1)  // Int.max must not trap
            response.outputs[outputIndex] = output
        case .partDone:
            guard let outputIndex, var output = takeOutput(&response, outputIndex, rid) else { return }
            defer { response.outputs[outputIndex] = output }
            let ci = Lookup.int(object, "content_index") ?? -1
            guard let part = takePart(&output, ci) else { return }
            defer { output.parts[ci] = part }
            for (field, buffer) in part.buffers {
                if let final = Lookup.string(object, "part.\(field)") {
                    checkAccumulated(
                        field, final, buffer, output,
                        "content_part.done.part.\(field) differs from the accumulated deltas.")
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

    /// Removes and returns the output at `index` if it was added and is not done (the caller puts it back), so it can
    /// be mutated without a copy; otherwise `stream-order` (in its file) decides whether that is a finding.
    mutating func takeOutput(_ response: inout SessionState.Response, _ index: Int, _ rid: String)
        -> SessionState.Output?
    {
        guard let output = response.outputs[index] else {
            if runs(.streamOrder) { checkStreamOrder(noOutput: index, rid) }
            return nil
        }
        if let done = output.doneLine {
            if runs(.streamOrder) { checkStreamOrder(afterOutput: index, output, rid, doneLine: done) }
            return nil
        }
        guard currentMoves.allows(.item, from: ProtocolStateMachine.Phase.open) else {
            if runs(.streamOrder) { reportStreamOrder(notInOutput: index, output, rid) }
            return nil
        }
        return response.outputs.removeValue(forKey: index)
    }

    /// Removes and returns content part `ci` if it was added and is not done (the caller puts it back); otherwise
    /// `content-index-sequence` or `stream-order` decides whether that is a finding.
    mutating func takePart(_ output: inout SessionState.Output, _ ci: Int) -> SessionState.Part? {
        guard let part = output.parts[ci] else {
            if runs(.contentIndexSequence) { checkContentIndexSequence(noPart: ci, output) }
            return nil
        }
        if let done = part.doneLine {
            if runs(.streamOrder) { checkStreamOrder(afterPart: ci, output, doneLine: done) }
            return nil
        }
        guard currentMoves.allows(.part, from: ProtocolStateMachine.Phase.open) else {
            if runs(.streamOrder) { reportStreamOrder(notInPart: ci, output) }
            return nil
        }
        return output.parts.removeValue(forKey: ci)
    }

    mutating func delta(
        _ object: JSONValue, _ stream: StreamSpec, _ output: inout SessionState.Output,
        _ response: SessionState.Response
    ) {
        if stream.partType == nil {
            // Function-call (or MCP) arguments: no content part, a function_call item.
            if runs(.deltaFamilyMismatch) { checkDeltaFamilyMismatch(arguments: stream, output) }
            requireConversation(&output, response)
            if runs(.argumentsAccumulation) { checkArgumentsCallID(object, output) }
            output.arguments += Lookup.string(object, stream.deltaField) ?? ""
            return
        }
        let ci = Lookup.int(object, "content_index") ?? -1
        if runs(.contentIndexSequence) { checkContentIndexSequence(deltaItem: object, output) }
        guard let part = takePart(&output, ci) else { return }
        defer { output.parts[ci] = part }
        if runs(.deltaFamilyMismatch) { checkDeltaFamilyMismatch(stream, part, output) }
        if stream.payload == .audio {
            // Only the size matters: measure the base64 in place instead of decoding it.
            if let audio = Lookup.value(object, stream.deltaField) {
                let padding = (audio.byte(fromEnd: 0) == 0x3D ? 1 : 0) + (audio.byte(fromEnd: 1) == 0x3D ? 1 : 0)
                part.audioBytes += max(0, audio.byteCount / 4 * 3 - padding)
            }
        } else if let field = stream.finalField {
            part.append(field, Lookup.string(object, stream.deltaField) ?? "")
        }
    }

    mutating func streamDone(_ object: JSONValue, _ stream: StreamSpec, _ output: inout SessionState.Output) {
        let ci = Lookup.int(object, "content_index") ?? -1
        guard let part = takePart(&output, ci) else { return }
        defer { output.parts[ci] = part }
        if let field = stream.finalField, let final = Lookup.string(object, field) {
            let buffer = part.buffer(field) ?? ""
            let event = currentType ?? "done"
            checkAccumulated(field, final, buffer, output, "\(event).\(field) differs from the concatenated deltas.")
            part.setBuffer(field, final)
        } else if stream.payload == .audio, runs(.audioSampleAlignment) {
            checkAudioSampleAlignment(part, ci, output)
        }
        part.typeDone.insert(currentType ?? "")
        output.parts[ci] = part
    }

    mutating func argumentsDone(_ object: JSONValue, _ output: inout SessionState.Output) {
        let arguments = Lookup.string(object, "arguments") ?? ""
        if runs(.argumentsAccumulation) {
            checkArgumentsAccumulation(done: object, arguments, output)
        }
        if !JSON.isValid(arguments) {
            emit(
                .argumentsNotJSON, "The final function-call arguments are not valid JSON.", expected: "JSON text",
                actual: Lookup.render(arguments), subject: output.itemID)
        }
        output.arguments = arguments
        output.argumentsDone = true
    }

    /// Text, transcripts and arguments of a finished item must equal what the deltas built.
    mutating func compareItem(_ item: JSONValue, _ output: SessionState.Output, where place: String) {
        if runs(.argumentsAccumulation) { checkArgumentsAccumulation(item: item, output, where: place) }
        let content = item["content"]
        for (ci, part) in output.parts {
            guard let entry = content?[ci], entry.isObject else { continue }
            for (field, buffer) in part.buffers {
                guard let final = entry[field]?.string else { continue }
                checkAccumulated(
                    field, final, buffer, output,
                    "\(place) item content \(ci).\(field) differs from the streamed value.")
            }
        }
    }

    /// A final text, transcript or arguments value against what the deltas built: the field's rule decides.
    mutating func checkAccumulated(
        _ field: String, _ final: String, _ buffer: String, _ output: SessionState.Output,
        _ message: @autoclosure () -> FindingText
    ) {
        switch field {
        case "transcript":
            if runs(.transcriptAccumulation) { checkTranscriptAccumulation(final, buffer, output, message()) }
        case "arguments":
            if runs(.argumentsAccumulation) { checkArgumentsAccumulation(final, buffer, output, message()) }
        default:
            if runs(.textAccumulation) { checkTextAccumulation(final, buffer, output, message()) }
        }
    }

    var isPCM16Output: Bool {
        let beta = Lookup.string(state.config, "output_audio_format")
        let ga = Lookup.string(state.config, "audio.output.format.type")
        return (beta ?? "pcm16") == "pcm16" && (ga ?? "audio/pcm") == "audio/pcm"
    }

}
