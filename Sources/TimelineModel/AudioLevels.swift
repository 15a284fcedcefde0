import Foundation
import RealtimeProtocol
public import RealtimeRecording
public import RealtimeSession

/// The level strip's values for one screen width: per ruler column, the RMS level (dBFS) of the
/// user's input audio and of the assistant's output audio whose events fall in that column, and
/// whether that column's output audio was mostly not heard (cut by a truncate or a cleared buffer).
///
/// `nil` means no audio of that kind in the column. `scanned` is how far the scan behind it has got
/// (0…1): columns after that point may still gain audio.
public struct LevelStripFrame: Sendable, Equatable {
    public let input: [Double?]
    public let output: [Double?]
    public let unheard: [Bool]
    public let scanned: Double
}

/// Measures every audio chunk of a recording once, lazily and in bounded steps, and sums the
/// measurements into ruler columns (cached per width).
///
/// Audio chunks are `input_audio_buffer.append` (`audio`) and output audio deltas (`delta`, beta and
/// GA names). Each chunk's line is read back from the store by offset (the index's byte range; the
/// payload is never kept), its base64 decoded in place into one reused buffer, and reduced to an
/// `AudioLevel` (about 40 bytes a chunk). The scan also follows `session.update`/`created`/`updated`
/// for the formats (G.711 is decoded), and the truncates (`conversation.item.truncate`, else the
/// server's `truncated`, else `output_audio_buffer.started` … `cleared`) that make output audio
/// unheard: a chunk that starts after its item's cut was not heard (the same cuts `rtscope audio
/// --as-heard` makes).
///
/// A chunk counts in the column of its event (when it arrived), so the strip lines up with the
/// ruler's events and findings; output audio that arrives faster than real time shows where it
/// arrived, not where it played. Limits: memory grows with the number of audio chunks, not their
/// bytes; one step (`advance`) reads at most about `budget` bytes of lines.
final class AudioLevelScan {
    struct Chunk {
        let entry: Int
        let input: Bool
        let level: AudioLevel
        /// The output item (index into `itemIDs`), -1 for input.
        let item: Int
        /// Where the chunk starts within its item's audio, in milliseconds.
        let startMs: Double
    }

    private(set) var chunks: [Chunk] = []
    /// The next entry to look at.
    private(set) var next = 0
    private var inputFormat = AudioFormat.pcm16
    private var outputFormat = AudioFormat.pcm16
    private var items: [String: Int] = [:]
    private var itemIDs: [String] = []
    private var itemMs: [Double] = []
    /// Where the user stopped hearing each item (the cuts `rtscope audio --as-heard` makes).
    private var cuts = AudioCuts()
    private var scratch: [UInt8] = []
    /// What each event type (the index's interned type number) means to the scan.
    private var kinds: [Int32: Kind] = [:]
    private var cache: (width: Int, chunks: Int, range: ClosedRange<Int64>?, frame: LevelStripFrame)?

    private enum Kind: Equatable {
        case none, session, input
        /// Output audio: a stream of the catalog whose payload is audio, and the field holding it.
        case output(field: String)
        /// One of `AudioEvents.cuts` (canonical name).
        case cut(String)
    }

    /// Whether every entry indexed so far has been looked at.
    func done(_ source: TimelineSource) -> Bool { next >= source.index.entries.count }

    /// Looks at entries from `next` on, reading at most about `budget` bytes of lines; returns
    /// whether it got anywhere.
    func advance(_ source: TimelineSource, budget: Int) -> Bool {
        let entries = source.index.entries
        guard next < entries.count else { return false }
        var read = 0
        while next < entries.count, read < budget {
            let i = next
            next += 1
            let kind = kind(entries[i].type, source)
            guard kind != .none else { continue }
            read += Int(entries[i].length)
            guard let event = source.lineValue(i)?["event"] else { continue }
            consume(kind, event, entry: i, line: Int(entries[i].line), tUs: entries[i].tUs)
        }
        return true
    }

    private func kind(_ typeNumber: Int32, _ source: TimelineSource) -> Kind {
        if let known = kinds[typeNumber] { return known }
        guard let type = source.index.string(typeNumber) else { return .none }
        let name = source.catalog.canonicalName(of: type)
        let kind: Kind
        switch name {
        case AudioEvents.sessionUpdate, AudioEvents.sessionCreated, AudioEvents.sessionUpdated: kind = .session
        case AudioEvents.append: kind = .input
        case _ where AudioEvents.cuts.contains(name): kind = .cut(name)
        default:
            if let stream = source.catalog.spec(for: name)?.stream, stream.payload == .audio {
                kind = .output(field: stream.deltaField)
            } else {
                kind = .none
            }
        }
        kinds[typeNumber] = kind
        return kind
    }

    private func consume(_ kind: Kind, _ event: JSONValue, entry: Int, line: Int, tUs: Int64) {
        switch kind {
        case .none: break
        case .session:
            guard let session = event["session"] else { return }
            let (input, output) = AudioFormat.named(in: session)
            inputFormat = input ?? inputFormat
            outputFormat = output ?? outputFormat
        case .input:
            guard let audio = event["audio"],
                let measured = AudioLevel.measure(base64: audio, format: inputFormat, scratch: &scratch)
            else { return }
            chunks.append(Chunk(entry: entry, input: true, level: measured.level, item: -1, startMs: 0))
        case .output(let field):
            guard let delta = event[field],
                let measured = AudioLevel.measure(base64: delta, format: outputFormat, scratch: &scratch)
            else { return }
            let id = event["item_id"]?.string ?? "unnamed"
            let item = items[id] ?? itemMs.count
            if item == itemMs.count {
                items[id] = item
                itemIDs.append(id)
                itemMs.append(0)
                cuts.firstOutput(item: id, response: event["response_id"]?.string ?? "")
            }
            chunks.append(Chunk(entry: entry, input: false, level: measured.level, item: item, startMs: itemMs[item]))
            itemMs[item] += Double(measured.bytes) / outputFormat.bytesPerMs
        case .cut(let name):
            cuts.consume(name, event, line: line, tUs: tUs)
        }
    }

    /// The strip for `width` columns from what was scanned so far (cached until the scan or the
    /// time range moves).
    func frame(_ source: TimelineSource, width: Int) -> LevelStripFrame {
        let width = max(1, width)
        if let cache, cache.width == width, cache.chunks == chunks.count, cache.range == source.timeRange {
            return cache.frame
        }
        // Heard milliseconds per item (nil: heard in full); an output chunk that starts at or after its item's cut
        // was not heard.
        let cutMs = itemIDs.map { cuts.cut(of: $0).map { Double($0.ms) } }
        var input = [AudioLevel](repeating: AudioLevel(), count: width)
        var heard = input
        var cut = input
        for chunk in chunks {
            let x = source.rulerColumn(chunk.entry, width: width)
            if chunk.input {
                input[x].add(chunk.level)
            } else if chunk.item >= 0, let heardMs = cutMs[chunk.item], chunk.startMs >= heardMs {
                cut[x].add(chunk.level)
            } else {
                heard[x].add(chunk.level)
            }
        }
        var output: [Double?] = []
        var unheard: [Bool] = []
        for x in 0..<width {
            var all = heard[x]
            all.add(cut[x])
            output.append(all.rmsDBFS)
            unheard.append(cut[x].samples > heard[x].samples)
        }
        let count = source.index.entries.count
        let frame = LevelStripFrame(
            input: input.map(\.rmsDBFS), output: output, unheard: unheard,
            scanned: count == 0 ? 1 : Double(next) / Double(count))
        cache = (width, chunks.count, source.timeRange, frame)
        return frame
    }
}

extension TimelineModel {
    /// How many bytes of audio lines one step of the level scan reads (about 30 ms of work).
    public static let levelBudget = 4 << 20

    /// Measures more of the recording's audio for the level strip while it is shown.
    ///
    /// One bounded step (`levelBudget`), then the frame is prepared again. Returns whether anything was measured
    /// (a loop calls it until false: `while model.advanceLevels() {}` measures everything).
    public mutating func advanceLevels() -> Bool {
        guard state.showLevels, levelScan.advance(source, budget: Self.levelBudget) else { return false }
        prepare()
        return true
    }

    /// How many audio chunks the level scan has measured (for tests).
    var levelScanChunks: Int { levelScan.chunks.count }

    /// The level strip for the current width, nil when it is hidden.
    func levelStrip() -> LevelStripFrame? {
        state.showLevels ? levelScan.frame(source, width: max(1, state.width)) : nil
    }
}
