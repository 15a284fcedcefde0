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
                emit(
                    "response-event-outside-lifecycle",
                    "\(currentType ?? type) names response \(rid), which was never created.",
                    expected: "response.created for \(rid) first", actual: "no such response", subject: rid,
                    priorID: true)
                return
            }
            if let done = response.doneLine {
                afterDone(type, rid, doneLine: done)
                return
            }
            stream(type, object, spec, &response)
        }
    }

    /// A second `response.created` or `response.done` (`event` is "created" or "done") for response `rid`.
    mutating func repeated(_ rid: String, _ event: String, _ earlier: RelatedLine) {
        emit(
            "response-event-outside-lifecycle", "Response \(rid) was \(event) twice.",
            expected: "one response.\(event)",
            actual: "another", subject: rid, related: [earlier])
    }

    /// An event of a finished response (output audio stopping or being cleared may legally come later).
    mutating func afterDone(_ type: String, _ rid: String, doneLine: Int) {
        guard type != EventNames.outputAudioStopped, type != EventNames.outputAudioCleared else { return }
        emit(
            "response-event-outside-lifecycle", "\(currentType ?? type) arrived after response \(rid) was done.",
            expected: "before response.done", actual: "after it", subject: rid,
            related: [RelatedLine(line: doneLine, note: "response.done")])
    }

    mutating func responseCreated(_ object: JSONValue) {
        guard let rid = JSON.string(object, "response.id") else { return }
        let status = JSON.string(object, "response.status")
        if status != "in_progress" {
            emit(
                "response-status-invalid", "response.created has status \(status ?? "none").", expected: "in_progress",
                actual: status ?? "absent", subject: rid)
        }
        // A null conversation_id marks an out-of-band response; absent means the default conversation.
        let inDefault = !(JSON.value(object, "response.conversation_id")?.isNull ?? false)
        if inDefault, let active = state.activeDefaultResponse, let other = state.responses[active] {
            emit(
                "response-overlap",
                "Response \(rid) started while \(active) is still active in the default conversation.",
                expected: "response.done of \(active) first", actual: "response.created of \(rid)", subject: rid,
                related: [RelatedLine(line: other.createdLine, note: "\(active) created")])
        }
        if let earlier = state.responses[rid].map({ RelatedLine(line: $0.createdLine, note: "first") })
            ?? state.forgottenDoneLine(rid).map({ RelatedLine(line: $0, note: "the first one's response.done") })
        {
            repeated(rid, "created", earlier)
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
                repeated(rid, "done", RelatedLine(line: done, note: "first response.done"))
                return
            }
            emit(
                "response-event-outside-lifecycle", "response.done for \(rid), which was never created.",
                expected: "response.created first", actual: "no such response", subject: rid, priorID: true)
            return
        }
        if let done = response.doneLine {
            repeated(rid, "done", RelatedLine(line: done, note: "first response.done"))
            return
        }
        checkStatus(object, rid)
        let created = RelatedLine(line: response.createdLine, note: "response.created")
        for (i, output) in response.outputs.sorted(by: { $0.key < $1.key }) {
            if output.doneLine == nil {
                emit(
                    "output-item-not-closed",
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
                "response-output-mismatch", "response.done.output of \(rid) does not list the items that were added.",
                expected: "[\(addedIDs.map { $0 ?? "?" }.joined(separator: ", "))]",
                actual: "[\(outputIDs.map { $0 ?? "?" }.joined(separator: ", "))]", subject: rid, related: [created])
        }
        checkFinalContent(object, response, rid)
        checkUsage(JSON.dict(object, "response.usage"), rid)
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
                "response-status-invalid", "response.done of \(rid) has status \(status).",
                expected: Self.terminalStatuses.joined(separator: " | "), actual: status, subject: rid)
            return
        }
        if let detailType = JSON.string(object, "response.status_details.type"), detailType != status {
            emit(
                "response-status-invalid", "status_details.type \(detailType) contradicts status \(status).",
                expected: status, actual: detailType, subject: rid)
        }
        if let reason = JSON.string(object, "response.status_details.reason"),
            let allowed = Self.reasonsByStatus[status],
            !allowed.contains(reason)
        {
            emit(
                "response-status-invalid", "Reason \(reason) does not fit status \(status).",
                expected: allowed.joined(separator: " | "), actual: reason, subject: rid)
        }
        if status == "failed" || status == "incomplete" {
            let why =
                JSON.string(object, "response.status_details.error.code")
                ?? JSON.string(object, "response.status_details.reason")
            emit(
                "response-failed", "Response \(rid) ended \(status)\(why.map { " (\($0))" } ?? "").",
                expected: "completed", actual: status + (why.map { ": \($0)" } ?? ""), subject: rid)
        }
    }

    mutating func checkUsage(_ usage: JSONValue?, _ rid: String) {
        guard let usage, let total = JSON.int(usage, "total_tokens"), let input = JSON.int(usage, "input_tokens"),
            let output = JSON.int(usage, "output_tokens")
        else { return }
        var problems: [String] = []
        if total != input + output { problems.append("total \(total) ≠ input \(input) + output \(output)") }
        if let details = JSON.dict(usage, "input_token_details"), let text = JSON.int(details, "text_tokens"),
            let audio = JSON.int(details, "audio_tokens")
        {
            let image = JSON.int(details, "image_tokens") ?? 0
            if input != text + audio + image {
                problems.append("input \(input) ≠ text \(text) + audio \(audio) + image \(image)")
            }
        }
        if let details = JSON.dict(usage, "output_token_details"), let text = JSON.int(details, "text_tokens"),
            let audio = JSON.int(details, "audio_tokens"), output != text + audio
        {
            problems.append("output \(output) ≠ text \(text) + audio \(audio)")
        }
        if [total, input, output].contains(where: { $0 < 0 }) { problems.append("negative token count") }
        if !problems.isEmpty {
            emit(
                "usage-arithmetic", "The usage of \(rid) does not add up.", expected: "consistent token counts",
                actual: problems.joined(separator: "; "), subject: rid)
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
