import Foundation
import RealtimeProtocol
public import RealtimeRecording

/// Prints recordings: one human line per frame, the selected frames as JSONL, or a count.
public struct CatFrontend {
    public enum Mode: Sendable { case human, jsonl, count }

    public struct Options: Sendable {
        public var mode: Mode = .human
        public var filter = FrameFilter()
        public var foldDeltas = false
        public var lineNumbers = false
        public var microseconds = false
        public var color = false
        public init() {}
    }

    private let options: Options
    private let out: Output
    private let catalog = EventCatalog.standard

    public init(options: Options, output: Output) {
        self.options = options
        self.out = output
    }

    /// Counts of what was printed, for the caller's exit decision.
    public struct Result: Sendable {
        public var selected = 0
        public var issues: [ReaderIssue] = []
    }

    /// `--jsonl` over a log that holds several WebSocket connections: one recording cannot hold them.
    public struct SeveralConnections: Error, CustomStringConvertible {
        public let path: String
        public let connections: [String]
        public var description: String {
            "\(path) holds \(connections.count) WebSocket connections (\(connections.joined(separator: ", "))) and "
                + "`cat --jsonl` writes one recording; convert them with `rtscope import \(path) -o OUT.jsonl`, "
                + "which writes one file per connection."
        }
    }

    /// Prints one input.
    ///
    /// Reader issues go to standard error as `file:line: severity: message`. - Throws: `RecordingError` when the input
    /// cannot be opened or read; `SeveralConnections` for `--jsonl` over a log of several connections.
    public func run(path: String, headerWritten: inout Bool) throws -> Result {
        let opened = try RecordingInput.open(path)
        if options.mode == .jsonl, opened.imported.count > 1 {
            throw SeveralConnections(
                path: path, connections: opened.imported.enumerated().map { $1.header.conn ?? "#\($0 + 1)" })
        }
        for warning in opened.importWarnings { Diagnostics.print("\(path): warning: \(warning)") }
        let reader = opened.reader
        var result = Result()
        var filter = options.filter
        var state = HumanState()
        try reader.read { event in
            switch event {
            case .issue(let issue):
                result.issues.append(issue)
                if issue.severity > .note || options.mode == .human {
                    Diagnostics.print("\(path):\(issue.line): \(issue.severity): \(issue.message)")
                }
            case .line(let line):
                if line.kind == .header {
                    state.untimed = reader.header?.imported?.timed == false
                    if state.untimed, options.mode == .human {
                        Diagnostics.print(
                            "\(path): note: no timing in source (the log has no timestamps); times show as -")
                    }
                    if options.mode == .jsonl, !headerWritten {
                        headerWritten = true
                        out.write(bytes: line.bytes)
                        out.write("\n")
                    }
                    return !out.closed
                }
                guard filter.isEmpty || filter.matches(line) else { return true }
                result.selected += 1
                switch options.mode {
                case .count: break
                case .jsonl:
                    if !headerWritten {
                        headerWritten = true
                        out.line(Self.synthesizedHeader())
                    }
                    out.write(bytes: line.bytes)
                    out.write("\n")
                case .human: human(line, &state)
                }
            }
            return !out.closed
        }
        if options.mode == .human { for fold in state.folder.finish() { printFold(fold, &state) } }
        if options.mode == .count { out.line("\(result.selected)") }
        out.flush()
        return result
    }

    static func synthesizedHeader() -> String {
        let header = RecordingHeader(
            created: RecordingFormat.wallClock(Date()), source: "import",
            note: "header added by rtscope cat --jsonl: the input had none")
        return (try? header.encodedLine()).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    // MARK: - Human lines

    private struct HumanState {
        var previousTUs: Int64?
        var folder = DeltaFolder()
        /// An import whose source had no timestamps: times are shown as "-", not as 0.000.
        var untimed = false
    }

    private func human(_ line: RecordLine, _ state: inout HumanState) {
        let event = line.event()
        let type = event?["type"]?.string
        let inferred = line.fields.span(.dirInferred).map { line.slice($0).first == UInt8(ascii: "t") } ?? false
        if options.foldDeltas, let event, let type {
            let spec = catalog.spec(for: type)
            let (flushed, absorbed) = state.folder.offer(
                type: type, spec: spec, event: event, tUs: line.tUs, line: line.number, inferred: inferred)
            for fold in flushed { printFold(fold, &state) }
            if absorbed { return }
        } else if options.foldDeltas {
            for fold in state.folder.finish() { printFold(fold, &state) }
        }
        let direction = line.direction ?? .serverToClient
        let label: String
        let summary: String
        if let event, let type {
            label = type
            summary = EventSummary.summarize(event, spec: catalog.spec(for: type))
        } else {
            let frame = line.frame()
            label = "[\(line.opcode?.rawValue ?? "?")]"
            summary = frame.map(Self.frameSummary) ?? ""
        }
        let family = type.flatMap { catalog.spec(for: $0)?.family }
        emit(line.number, line.tUs, direction, inferred, label, family, summary, &state)
    }

    private func printFold(_ fold: DeltaFold, _ state: inout HumanState) {
        let direction = catalog.spec(for: fold.type)?.direction ?? .serverToClient
        let span = String(format: "%.3f", Double(fold.lastTUs - fold.firstTUs) / 1000)
        let body =
            fold.payload == .audio
            ? EventSummary.audio(base64Length: fold.audioBase64Length) : EventSummary.quote(fold.text, max: 400)
        let label = fold.count == 1 ? fold.type : "\(fold.type) ×\(fold.count)"
        emit(
            fold.firstLine, fold.firstTUs, direction, fold.directionInferred, label, .delta,
            fold.count == 1 || state.untimed ? body : "\(body) over \(span) ms", &state)
    }

    private static func frameSummary(_ frame: Frame) -> String {
        switch frame.opcode {
        case .text, .error:
            return EventSummary.quote(String(decoding: frame.payload, as: UTF8.self), max: 120)
        case .close:
            let reason = SafeText.escape(String(decoding: frame.payload, as: UTF8.self))
            return "code=\(frame.closeCode.map(String.init) ?? "none")" + (reason.isEmpty ? "" : " reason=\(reason)")
        case .binary, .ping, .pong, .cont:
            return EventSummary.size(frame.payload.count)
        }
    }

    private func emit(
        _ number: Int, _ tUs: Int64, _ direction: Direction, _ inferred: Bool, _ label: String, _ family: EventFamily?,
        _ summary: String, _ state: inout HumanState
    ) {
        // The output boundary: type labels and summaries come from the recording.
        let label = SafeText.escape(label)
        let summary = SafeText.escape(summary)
        let delta = tUs &- (state.previousTUs ?? tUs)
        state.previousTUs = tUs
        var text = options.lineNumbers ? pad(String(number), 6) + " " : ""
        if state.untimed {
            text += pad("-", 10) + " " + pad("-", 10)
        } else if options.microseconds {
            text += pad(String(tUs), 12) + " " + pad("+" + String(delta), 10)
        } else {
            text +=
                pad(String(format: "%.3f", Double(tUs) / 1000), 10) + " "
                + pad("+" + String(format: "%.3f", Double(delta) / 1000), 10)
        }
        text += " " + direction.arrow + (inferred ? "?" : " ") + " "
        let column =
            label.count < 36 && !summary.isEmpty ? label + String(repeating: " ", count: 36 - label.count) : label
        text += options.color ? Self.colored(column, family) : column
        if !summary.isEmpty { text += " " + summary }
        out.line(text)
    }

    private func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }

    private static func colored(_ text: String, _ family: EventFamily?) -> String {
        let code: String
        switch family {
        case .session?: code = "35"
        case .conversation?: code = "36"
        case .inputAudio?, .outputAudio?: code = "33"
        case .response?: code = "32"
        case .delta?, .transcription?: code = "2"
        case .error?: code = "1;31"
        case .rateLimits?, .mcp?: code = "34"
        case nil: code = "0"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}
