import RealtimeProtocol
import RealtimeRecording

extension RuleInfo {
    /// `vad-id-mismatch`.
    public static let vadIDMismatch = RuleInfo(
        "vad-id-mismatch", .warning, "VAD events of one turn disagree on the item id, or their times go backwards.",
        requirement: "speech_started, speech_stopped, committed and the created item share one item_id; "
            + "times never go backwards.",
        source: "§4.5 V1–V2, inv. 25")
}

extension SessionValidator {
    /// speech_started: `audio_start_ms` never goes backwards on the session's clock.
    mutating func checkVADIDMismatch(audioStart start: Int) {
        guard start < state.lastSpeechStartMs else { return }
        emit(
            .vadIDMismatch, "audio_start_ms went backwards.", expected: "≥ \(state.lastSpeechStartMs)",
            actual: "\(start)")
    }

    /// speech_stopped of a started turn (the turn table lets it continue the turn's phase): the same item, and an end
    /// not before the start.
    mutating func checkVADIDMismatch(speechStopped object: JSONValue) {
        guard let speech = state.speechItem, currentMoves.allows(.turn, from: state.turnPhase) else { return }
        if let id = Lookup.string(object, "item_id"), id != speech.id {
            emit(
                .vadIDMismatch, "speech_stopped names item \(id), speech_started named \(speech.id).",
                expected: speech.id, actual: id, related: [RelatedLine(line: speech.line, note: "speech_started")])
        }
        if let end = Lookup.int(object, "audio_end_ms"), end < speech.startMs {
            emit(
                .vadIDMismatch, "audio_end_ms is before the turn's audio_start_ms.",
                expected: "≥ \(speech.startMs)", actual: "\(end)",
                related: [RelatedLine(line: speech.line, note: "speech_started")])
        }
    }

    /// input_audio_buffer.committed of a VAD turn (the turn table lets it continue the turn's phase) names the turn's
    /// item, unless the client committed by hand.
    mutating func checkVADIDMismatch(committed id: String) {
        // The scan of the pending requests comes last: only a mismatch asks whether the client committed by hand.
        guard let speech = state.speechItem, speech.id != id, currentMoves.allows(.turn, from: state.turnPhase),
            !state.pending.contains(where: { $0.type == EventNames.commit })
        else { return }
        emit(
            .vadIDMismatch, "The committed item \(id) does not match the VAD turn's item \(speech.id).",
            expected: speech.id, actual: id, subject: id,
            related: [RelatedLine(line: speech.line, note: "speech_started")])
    }

    /// The user item created for a commit or a VAD turn is the turn's item.
    mutating func checkVADIDMismatch(userItem id: String) {
        guard let speech = state.speechItem, speech.id != id, state.lastCommittedItem == nil else { return }
        emit(
            .vadIDMismatch, "The user item \(id) does not match the VAD turn's item \(speech.id).",
            expected: speech.id, actual: id, related: [RelatedLine(line: speech.line, note: "speech_started")])
    }
}
