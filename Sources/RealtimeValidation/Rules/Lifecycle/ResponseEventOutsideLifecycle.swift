import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `response-event-outside-lifecycle`.
    public static let responseEventOutsideLifecycle = RuleInfo(
        "response-event-outside-lifecycle", .error,
        "An event names a response before its `response.created` or after its `response.done`.",
        requirement: "Events of response R come after response.created(R) and before response.done(R).",
        source: "§4.3 N1, inv. 6")
}

extension SessionValidator {
    /// An event names a response that was never created, where the state machine needs it created (`type`:
    /// response.done or another response event).
    mutating func checkResponseNeverCreated(_ type: String, _ rid: String) {
        guard !currentMoves.allows(.response, from: ProtocolStateMachine.Phase.start) else { return }
        if type == EventNames.responseDone {
            emit(
                .responseEventOutsideLifecycle, "response.done for \(rid), which was never created.",
                expected: "response.created first", actual: "no such response", subject: rid, priorID: true)
        } else {
            emit(
                .responseEventOutsideLifecycle,
                "\(currentType ?? type) names response \(rid), which was never created.",
                expected: "response.created for \(rid) first", actual: "no such response", subject: rid,
                priorID: true)
        }
    }

    /// Whether the state machine lets the current event move the in-progress response `rid` on (reported when not;
    /// the event is then not tracked further).
    mutating func responseAllows(_ type: String, _ rid: String) -> Bool {
        guard !currentMoves.allows(.response, from: ProtocolStateMachine.Phase.open) else { return true }
        guard runs(.responseEventOutsideLifecycle) else { return false }
        if type == EventNames.responseDone {
            emit(
                .responseEventOutsideLifecycle, "response.done of \(rid) is not a step the state machine allows.",
                expected: "an event the state machine allows", actual: "response.done", subject: rid)
        } else {
            emit(
                .responseEventOutsideLifecycle,
                "\(currentType ?? type) is not an event of response \(rid) while it is in progress.",
                expected: "an event the state machine allows", actual: currentType ?? type, subject: rid)
        }
        return false
    }

    /// A response.created the state machine does not allow from the response's phase: a repeat, or another step.
    mutating func reportResponseCreatedNotAllowed(_ rid: String) {
        if let earlier = state.responses[rid].map({ RelatedLine(line: $0.createdLine, note: "first") })
            ?? state.forgottenDoneLine(rid).map({ RelatedLine(line: $0, note: "the first one's response.done") })
        {
            reportRepeated(rid, "created", earlier)
        } else {
            emit(
                .responseEventOutsideLifecycle,
                "response.created of \(rid) is not a step the state machine allows.",
                expected: "an event the state machine allows", actual: "response.created", subject: rid)
        }
    }

    /// A second response.done for `rid`, unless the state machine allows one from `done`.
    mutating func checkResponseDoneRepeated(_ rid: String, firstDone: Int) {
        guard !currentMoves.allows(.response, from: ProtocolStateMachine.Phase.finished) else { return }
        reportRepeated(rid, "done", RelatedLine(line: firstDone, note: "first response.done"))
    }

    /// A second `response.created` or `response.done` (`event` is "created" or "done") for response `rid`.
    mutating func reportRepeated(_ rid: String, _ event: String, _ earlier: RelatedLine) {
        emit(
            .responseEventOutsideLifecycle, "Response \(rid) was \(event) twice.",
            expected: "one response.\(event)",
            actual: "another", subject: rid, related: [earlier])
    }

    /// An event of a finished response (output audio stopping or being cleared may legally come later).
    mutating func checkAfterDone(_ type: String, _ rid: String, doneLine: Int) {
        guard !currentMoves.allows(.response, from: ProtocolStateMachine.Phase.finished) else { return }
        emit(
            .responseEventOutsideLifecycle, "\(currentType ?? type) arrived after response \(rid) was done.",
            expected: "before response.done", actual: "after it", subject: rid,
            related: [RelatedLine(line: doneLine, note: "response.done")])
    }
}
