import Foundation
import RealtimeRecording
import RealtimeSession

/// Something the model asks the outside world to do (it does no I/O itself).
///
/// The interactive loop
/// takes these after each key (`takeEffects`) and hands them to a runner (TerminalUI's
/// `PlaybackRunner`), which reports back through `playbackStarted` / `playbackEnded`.
public enum TimelineEffect: Sendable, Equatable {
    /// Export this audio as one WAV and play it with an external player.
    case play(PlaybackRequest)
    /// Stop what is playing (and remove its temporary file).
    case stopPlayback
}

/// Which audio to play, named as `rtscope audio` would select it.
public struct PlaybackRequest: Sendable, Equatable {
    public enum Part: Sendable, Equatable {
        /// Voice turn `number` (1-based, as `rtscope audio --turn N`): the user's input, then the
        /// answer as heard (`--turn N --as-heard`).
        case turn(number: Int, item: String?, response: String?)
        /// A response outside any voice turn, as heard (`--response ID --as-heard`).
        case response(String)
        /// The session mix (`--mix`: stereo, user left, assistant right) from `fromUs` to the end.
        case mix(fromUs: Int64)
    }
    /// The recording's path, as the user named it.
    public let recording: String
    public let part: Part
    /// What the status line calls it: `turn 3`, `response resp_1`, `the mix from 12.3 s`.
    public let label: String
}

extension TimelineModel {
    /// The effects asked for since the last call (at most a few: each key adds at most one).
    public mutating func takeEffects() -> [TimelineEffect] {
        defer { effects.removeAll() }
        return effects
    }

    /// The runner started playing.
    ///
    /// The footer shows `status` (such as "playing turn 3 (2.4 s) with aplay") until `playbackEnded`.
    public mutating func playbackStarted(_ status: String) {
        defer { prepareIfStale() }
        state.playback = status
    }

    /// Playback ended (finished, stopped, or failed): the footer shows `message` once.
    public mutating func playbackEnded(_ message: String?) {
        defer { prepareIfStale() }
        state.playback = nil
        if let message { state.message = message }
    }

    /// `l`, `a`, `A`, Esc.
    mutating func audioAction(_ action: TimelineAction) {
        switch action {
        case .toggleLevels:
            state.showLevels.toggle()
            if state.showLevels {
                _ = levelScan.advance(source, budget: Self.levelBudget)
                state.message = "levels: upper row the user's input, lower row the assistant's output (░▒▓ unheard)"
            }
        case .stopPlayback:
            guard state.playback != nil else {
                state.message = "nothing is playing"
                return
            }
            stopPlayback()
        case .playSelection, .playMix:
            if state.playback != nil { return stopPlayback() }  // a second press stops
            if source.name == "-" {
                state.message = "playback needs a file: this recording came from standard input"
                return
            }
            guard let part = action == .playMix ? mixPart() : selectedPart() else { return }
            let label: String =
                switch part {
                case .turn(let number, _, _): "turn \(number)"
                case .response(let id): "response \(id)"
                case .mix(let fromUs): "the mix from " + Self.seconds(fromUs)
                }
            state.playback = "preparing \(label)…"
            effects.append(.play(PlaybackRequest(recording: source.name, part: part, label: label)))
        default: break
        }
    }

    private mutating func stopPlayback() {
        state.playback = nil
        state.message = "playback stopped"
        effects.append(.stopPlayback)
    }

    /// The mix from the cursor's time (recorded times needed).
    private mutating func mixPart() -> PlaybackRequest.Part? {
        guard source.hasTiming else {
            state.message = "no mix: this recording has no recorded times"
            return nil
        }
        let entry = currentEntry ?? rows[..<min(rows.count, state.cursor + 1)].last { $0.entry >= 0 }?.entry
        return .mix(fromUs: max(0, entry.map { source.index.entries[$0].tUs } ?? 0))
    }

    /// The voice turn or response the cursor's event belongs to: its response (and that response's
    /// turn), else the turn whose user item it names, else the turn whose commit comes at or after it
    /// (the audio appended for it), else the last turn before it.
    private mutating func selectedPart() -> PlaybackRequest.Part? {
        guard let entry = currentEntry else {
            state.message = "no event here to play"
            return nil
        }
        let session = source.sessionModel
        let index = source.index
        let e = index.entries[entry]
        func turnPart(_ k: Int) -> PlaybackRequest.Part {
            .turn(number: k + 1, item: session.turns[k].itemID, response: session.turns[k].responseID)
        }
        if let id = index.string(e.responseID) {
            if let turn = session.response(id)?.turn, session.turns.indices.contains(turn) { return turnPart(turn) }
            if let k = session.turns.firstIndex(where: { $0.responseID == id }) { return turnPart(k) }
            return .response(id)
        }
        if let item = index.string(e.itemID), let k = session.turns.firstIndex(where: { $0.itemID == item }) {
            return turnPart(k)
        }
        let line = Int(e.line)
        if let k = session.turns.firstIndex(where: { ($0.committed?.line ?? .max) >= line }) { return turnPart(k) }
        if !session.turns.isEmpty { return turnPart(session.turns.count - 1) }
        state.message = "no voice turn or response here: move to a turn's or a response's event"
        return nil
    }

    static func seconds(_ us: Int64) -> String {
        let s = Double(us) / 1e6
        return s < 100 ? String(format: "%.1f s", s) : "\(Int(s)) s"
    }
}
