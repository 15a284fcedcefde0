import Foundation
import RealtimeProtocol
public import RealtimeRecording
import RealtimeValidation

/// `rtscope audio`: the session's audio as WAV files, in one streaming pass over the recording.
///
/// Written per item: the user's input (`input_audio_buffer.append` between commits, named by the
/// item `committed` gives), the assistant's output (audio deltas per item and content part), and
/// for a truncated assistant item the part the user heard (cut at the truncate's `audio_end_ms`).
/// The cut is the client's `conversation.item.truncate`, else the server's
/// `conversation.item.truncated`, else (WebRTC and SIP, where the server truncates) the time from
/// `output_audio_buffer.started` to `output_audio_buffer.cleared` for the response's items.
/// Each keeps the session's format: pcm16 (24 kHz, or the GA `audio/pcm` rate), G.711 μ-law or
/// A-law at 8 kHz, following `session.update` / `session.updated` as they come.
///
/// The mix is one stereo 16-bit WAV at 24 kHz, user left and assistant right: each input chunk at
/// the time it was sent or when the previous input chunk ends, whichever is later (a client may
/// send audio faster than real time; the server hears it in order), each assistant chunk at the time it arrived or when the previous chunk of
/// its response ends, whichever is later (a client that plays audio as it arrives); G.711 is
/// decoded and 8 kHz repeated to 24 kHz. Assistant audio past a cut is silenced in the mix, since
/// the user never heard it.
///
/// Limits: memory holds the input appended since the last commit (one utterance) and one chunk;
/// everything else goes straight to the files. Invalid base64, an odd pcm16 byte count or an
/// unknown format is a warning naming the line, and the rest is exported.
public struct AudioExport {
    public struct Options: Sendable {
        public var outDir: String
        public var item: String?
        public var response: String?
        public var mixOnly = false
        /// A voice turn: its user item's input and its response's output (see `turn(_:in:)`).
        public var turn: (item: String?, response: String?)?
        /// A voice turn by number (1-based, as `SessionModel.turns` counts them).
        ///
        /// It is found during the export's one pass: its item and response are known (speech_started / commit,
        /// response.created) before its audio is written. Replaces `turn`.
        public var turnNumber: Int?
        /// Only what the user heard: a truncated item's cut replaces its full output.
        public var asHeard = false
        public init(outDir: String) { self.outDir = outDir }

        /// Whether the input of `item` is exported.
        func wantsInput(_ item: String) -> Bool {
            if let turn { return turn.item == item }
            return !mixOnly && response == nil && (self.item == nil || self.item == item)
        }

        /// Whether the output of `item` in `response` is exported.
        func wantsOutput(_ item: String, response id: String) -> Bool {
            if let turn { return turn.response == id }
            return !mixOnly && (self.item == nil || self.item == item) && (response == nil || response == id)
        }

        /// Whether the session mix is kept.
        var wantsMix: Bool { item == nil && response == nil && turn == nil }
    }

    public struct Result: Sendable {
        /// Files written, in order.
        public var files: [String] = []
        /// One sentence each, with the line.
        public var warnings: [String] = []
        /// How many voice turns the recording holds (counted only with `turnNumber`).
        public var turns = 0
    }

    var options: Options
    let stem: String
    let catalog = EventCatalog.standard
    /// Whether any audio was seen (without it, no mix is left behind).
    var sawAudio = false
    var result = Result()
    var inputFormat = AudioFormat.pcm16
    var outputFormat = AudioFormat.pcm16
    var pending: [UInt8] = []
    /// The chunk being exported, decoded into reused storage (see `decode`).
    var chunk: [UInt8] = []
    var pendingStart: Int64?
    var outputs: [String: WAVFile] = [:]
    var outputItemFormat: [String: AudioFormat] = [:]
    /// Where the next chunk of a response plays in the mix, in microseconds.
    var playCursor: [String: Int64] = [:]
    /// Where the next input chunk goes in the mix, in microseconds.
    var inputCursor: Int64 = 0
    /// Where the user stopped hearing each output item.
    var cuts = AudioCuts()
    /// Each output item's span in the mix (microseconds).
    var itemSpan: [String: (start: Int64, end: Int64)] = [:]
    var mix: SessionMix?
    /// Runs the file writes on a second thread (nil: written inline).
    var writer: WriteBehind?
    /// The mix covers this much of the recording's clock (6 hours; sessions last at most an hour).
    static let mixLimitUs: Int64 = 6 * 3_600_000_000
    var mixOverflowReported = false

    /// Exports `path` into `options.outDir`.
    /// - Throws: `RecordingError` when the input cannot be read; `AudioExportError` when a file cannot be created,
    ///   `RecordingError.cannotWrite` when one cannot be written.
    public static func run(_ path: String, options: Options) throws -> Result {
        try FileManager.default.createDirectory(atPath: options.outDir, withIntermediateDirectories: true)
        let name = (path == "-" ? "stdin" : (path as NSString).lastPathComponent)
        var export = AudioExport(options: options, stem: name.hasSuffix(".jsonl") ? String(name.dropLast(6)) : name)
        // Reading and decoding on this thread, the kernel's copying into the files on another.
        let writer = WriteBehind()
        defer { writer.stop() }
        export.writer = writer
        // Without a mix to keep (`--item`, `--response`, `--turn`), none is built.
        if options.wantsMix { export.mix = try SessionMix(path: export.file("mix"), writer: writer) }
        let reader = try RecordingInput.open(path).reader
        var tape: JSONTape?
        var failure: (any Error)?
        // `--turn N`: the session model's turns, built as the events stream by (no second read).
        var turns = options.turnNumber.map { _ in SessionModelBuilder(keepsAudioChunks: false) }
        if options.turnNumber != nil { export.options.turn = (nil, nil) }  // nothing until turn N is known
        var frames = 0
        try reader.read { event in
            guard case .line(let line) = event, line.kind == .frame, line.opcode == .text,
                let object = line.eventValue(reusing: &tape), let raw = object["type"]?.string
            else { return true }
            // Until turn N's response is known; after that the builder is not fed.
            if let n = options.turnNumber, export.options.turn?.1 == nil, let direction = line.direction {
                frames += 1
                turns?.consume(
                    ValidatorEvent(
                        line: line.number, index: frames, tUs: line.tUs, direction: direction, opcode: .text,
                        object: object))
                if let turn = turns?.turns.dropFirst(n - 1).first {
                    export.options.turn = (turn.itemID, turn.responseID)
                }
            }
            let type = export.catalog.canonicalName(of: raw)
            do {
                try export.consume(type, object, line: line.number, tUs: line.tUs)
            } catch {
                failure = error
                return false
            }
            return true
        }
        if let failure { throw failure }
        export.result.turns = turns?.current.turns.count ?? 0
        try export.finish()
        try writer.drain()
        return export.result
    }

    func file(_ suffix: String) -> String {
        (options.outDir as NSString).appendingPathComponent("\(stem).\(suffix).wav")
    }

    /// A file-name-safe form of an id from the wire.
    static func safe(_ id: String) -> String {
        String(id.prefix(80).map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" ? $0 : "_" })
    }

    mutating func consume(_ type: String, _ event: JSONValue, line: Int, tUs: Int64) throws {
        switch type {
        case AudioEvents.sessionUpdate, AudioEvents.sessionCreated, AudioEvents.sessionUpdated:
            guard let session = event["session"] else { return }
            let (input, output) = AudioFormat.named(in: session)
            inputFormat = input ?? inputFormat
            outputFormat = output ?? outputFormat
        case AudioEvents.append:
            guard decode(event["audio"], line: line, format: inputFormat) else { return }
            let bytes = chunk
            if pendingStart == nil { pendingStart = tUs }
            let start = max(tUs, inputCursor)
            try place(bytes, format: inputFormat, atUs: start, right: false)
            inputCursor = start.plusMilliseconds(Double(bytes.count) / inputFormat.bytesPerMs)
            pending += bytes
        case AudioEvents.inputCleared:
            pending = []
            pendingStart = nil
        case AudioEvents.committed:
            let item = event["item_id"]?.string ?? "unnamed"
            if options.wantsInput(item), !pending.isEmpty {
                let wav = try WAVFile(
                    path: file("input.\(Self.safe(item))"), encoding: inputFormat.encoding,
                    rate: inputFormat.sampleRate, writer: writer)
                try wav.append(pending)
                try wav.close()
                result.files.append(wav.path)
            }
            pending = []
            pendingStart = nil
        case _ where AudioEvents.cuts.contains(type):
            cuts.consume(type, event, line: line, tUs: tUs)
        default:
            // Output audio: a stream of the catalog whose payload is audio (`response.audio.delta` and its GA name).
            guard let stream = catalog.spec(for: type)?.stream, stream.payload == .audio else { return }
            guard decode(event[stream.deltaField], line: line, format: outputFormat) else { return }
            let bytes = chunk
            let item = event["item_id"]?.string ?? "unnamed"
            let response = event["response_id"]?.string ?? ""
            let start = max(tUs, playCursor[response] ?? 0)
            try place(bytes, format: outputFormat, atUs: start, right: true)
            let ms = Double(bytes.count) / outputFormat.bytesPerMs
            playCursor[response] = start.plusMilliseconds(ms)
            if itemSpan[item] == nil { cuts.firstOutput(item: item, response: response) }
            itemSpan[item] = (itemSpan[item]?.start ?? start, start.plusMilliseconds(ms))
            guard options.wantsOutput(item, response: response) else { return }
            let key = item + "#" + String(event["content_index"]?.int ?? 0)
            if outputs[key] == nil {
                let index = event["content_index"]?.int ?? 0
                let suffix = "output.\(Self.safe(item))" + (index == 0 ? "" : ".\(index)")
                outputs[key] = try WAVFile(
                    path: file(suffix), encoding: outputFormat.encoding, rate: outputFormat.sampleRate,
                    writer: writer)
                outputItemFormat[key] = outputFormat
            }
            try outputs[key]?.append(bytes)
        }
    }

    /// Decodes a base64 audio field into `chunk`: false (with a warning when it is a string) when there is none.
    mutating func decode(_ value: JSONValue?, line: Int, format: AudioFormat) -> Bool {
        guard let value, value.kind == .string else { return false }
        guard Base64.decode(value, into: &chunk) else {
            result.warnings.append("line \(line): the audio is not valid base64; skipped")
            return false
        }
        if format.encoding == .pcm16, chunk.count % 2 == 1 {
            result.warnings.append(
                "line \(line): \(chunk.count) bytes of pcm16 audio is an odd count; the last byte is dropped")
            chunk.removeLast()
        }
        return true
    }

    /// Writes `bytes` (in `format`) into one channel of the mix from `atUs` on.
    mutating func place(_ bytes: [UInt8], format: AudioFormat, atUs: Int64, right: Bool) throws {
        sawAudio = true
        guard atUs >= 0 else { return }
        guard atUs <= Self.mixLimitUs else {
            if !mixOverflowReported {
                mixOverflowReported = true
                result.warnings.append(
                    "audio placed after \(Self.mixLimitUs / 3_600_000_000) hours is left out of the mix (check the recording's t_us)"
                )
            }
            return
        }
        let count = Self.samples24k(bytes.count, format: format)
        guard count > 0, let mix else { return }
        let first = Int(atUs) * 24 / 1000  // sample index at 24 kHz
        try mix.modify(right: right, first: first, count: count) { frame in
            if format.encoding == .pcm16, format.sampleRate == 24000 {  // the samples as they are
                bytes.withUnsafeBufferPointer { b in
                    guard let to = frame.baseAddress, let from = b.baseAddress else { return }
                    to.update(from: from, count: min(frame.count, b.count))
                }
                return
            }
            Self.pcm24k(bytes, format: format, count: count) { k, s in
                let u = UInt16(bitPattern: s)
                frame[k * 2] = UInt8(u & 0xFF)
                frame[k * 2 + 1] = UInt8(u >> 8)
            }
        }
    }

    /// How many 24 kHz samples `byteCount` bytes of `format` make.
    static func samples24k(_ byteCount: Int, format: AudioFormat) -> Int {
        switch format.encoding {
        case .muLaw, .aLaw: return byteCount * 3
        case .pcm16:
            let r = format.sampleRate
            return r > 0 ? byteCount / 2 * 24000 / r : 0
        }
    }

    /// Hands each of the first `count` 16-bit samples at 24 kHz that `bytes` of `format` make to
    /// `sample` (index, value): G.711 decoded and repeated three times, other PCM rates by the
    /// nearest earlier sample.
    static func pcm24k(_ bytes: [UInt8], format: AudioFormat, count: Int, _ sample: (Int, Int16) -> Void) {
        bytes.withUnsafeBufferPointer { b in
            switch format.encoding {
            case .muLaw, .aLaw:
                let law = format.encoding == .muLaw
                for k in 0..<min(count / 3, b.count) {
                    let s = law ? G711.muLaw(b[k]) : G711.aLaw(b[k])
                    sample(k * 3, s)
                    sample(k * 3 + 1, s)
                    sample(k * 3 + 2, s)
                }
            case .pcm16:
                let input = b.count / 2
                guard input > 0 else { return }
                let r = format.sampleRate
                for k in 0..<count {
                    let i = r == 24000 ? k : min(input - 1, k * r / 24000)
                    sample(k, Int16(bitPattern: UInt16(b[2 * i]) | UInt16(b[2 * i + 1]) << 8))
                }
            }
        }
    }

    /// Zeroes the assistant channel of the mix after each cut item's heard part.
    func silenceUnheard(in mix: SessionMix) throws {
        for (item, span) in itemSpan {
            guard let cut = cuts.cut(of: item) else { continue }
            let from = Int(min(span.start.plusMilliseconds(Double(cut.ms)), Self.mixLimitUs)) * 24 / 1000
            let to = Int(min(span.end, Self.mixLimitUs)) * 24 / 1000
            guard to > from else { continue }
            try mix.modify(right: true, first: from, count: to - from) { frame in
                frame.update(repeating: 0)
            }
        }
    }

    /// Closes the item files, writes the as-heard cuts, and closes the mix.
    mutating func finish() throws {
        for (key, wav) in outputs.sorted(by: { $0.key < $1.key }) {
            let item = String(key.split(separator: "#").first ?? "")
            guard let cut = cuts.cut(of: item) else {
                try wav.close()
                result.files.append(wav.path)
                continue
            }
            let format = outputItemFormat[key] ?? outputFormat
            var keep = Int(min(Double(max(0, cut.ms)) * format.bytesPerMs, Double(Int32.max)))
            if wav.encoding == .pcm16 { keep -= keep % 2 }
            if keep > wav.dataBytes {
                result.warnings.append(
                    "line \(cut.line): the truncate keeps \(cut.ms) ms of \(item), more than was received")
            }
            let heardBytes = try wav.read(atDataOffset: 0, count: min(max(0, keep), wav.dataBytes))
            try wav.close()
            result.files.append(wav.path)
            let heard = try WAVFile(
                path: (wav.path as NSString).deletingPathExtension + ".heard.wav", encoding: wav.encoding,
                rate: wav.rate, writer: writer)
            try heard.append(heardBytes)
            try heard.close()
            if options.asHeard {
                result.files.removeLast()
                try? FileManager.default.removeItem(atPath: wav.path)
            }
            result.files.append(heard.path)
        }
        if let mix {
            let keep = options.wantsMix && sawAudio
            try silenceUnheard(in: mix)
            try mix.finish(keep: keep)
            if keep { result.files.append(mix.path) }
        }
    }
}
