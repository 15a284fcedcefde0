import Foundation
public import RealtimeProtocol
public import RealtimeRecording

/// Which rules run and which findings are reported.
public struct RuleSelection: Sendable {
    /// Rules to turn off (ids).
    public var disabled: Set<String> = []
    /// When non-empty, only these rules run.
    public var enabled: Set<String> = []
    /// Findings below this severity are not reported.
    public var minimumSeverity: Severity = .note

    public init(disabled: Set<String> = [], enabled: Set<String> = [], minimumSeverity: Severity = .note) {
        self.disabled = disabled
        self.enabled = enabled
        self.minimumSeverity = minimumSeverity
    }

    /// Whether a rule runs.
    public func runs(_ rule: String) -> Bool {
        !disabled.contains(rule) && (enabled.isEmpty || enabled.contains(rule))
    }

    /// The rules that run, in catalog order.
    public var activeRules: [RuleInfo] { RuleCatalog.all.filter { runs($0.id) } }
}

/// The result of validating one input.
public struct FileReport: Sendable {
    /// The path as given on the command line.
    public var path: String
    public let frames: Int
    public let dialect: Dialect?
    /// Findings in line order.
    public let findings: [Finding]
    /// One-line views of the lines findings point at (line → text), for context in reports.
    public var excerpts: [Int: String] = [:]
    /// The recording's header, when it had one (imports: with their provenance and timing).
    public var header: RecordingHeader?

    public func count(_ severity: Severity) -> Int { findings.filter { $0.severity == severity }.count }
}

/// Validates whole inputs: the file-level driver around `SessionValidator`.
public enum ValidationRun {
    /// Validates `path` (a recording or any log `rtscope import` reads).
    /// - Parameter dialect: forced dialect; `nil` detects it from the header and the events.
    /// - Parameter observe: called with every decoded frame after the validator has seen it, on
    ///   the calling thread, so another sans-I/O consumer (the session model) is built in the same pass.
    /// - Throws: `RecordingError` when the input cannot be opened or read.
    public static func validate(
        path: String, dialect: Dialect? = nil, selection: RuleSelection = RuleSelection(),
        readerOptions: RecordingReader.Options = .init(), observe: ((ValidatorEvent) -> Void)? = nil
    ) throws -> FileReport {
        let opened = try RecordingInput.open(path, options: readerOptions)
        let reader = opened.reader
        var validator: SessionValidator?
        var findings: [Finding] = []
        func keep(_ new: [Finding]) {
            findings += new.filter { selection.runs($0.rule) && $0.severity >= selection.minimumSeverity }
        }
        // The reader and the tapes on one core, the rules on the other.
        let readAhead = ReadAhead(reader: reader)
        while var batch = try readAhead.next() {
            for issue in batch.issues {
                if let finding = finding(for: issue) { keep([finding]) }
            }
            if validator == nil, !batch.events.isEmpty {
                validator = SessionValidator(
                    declaredDialect: dialect ?? batch.headerDialect,
                    capture: batch.headerSource == "import" ? .imported : .complete, selection: selection)
            }
            for i in batch.events.indices {
                if let new = validator?.consume(batch.events[i]), !new.isEmpty { keep(new) }
                observe?(batch.events[i])
            }
            readAhead.recycle(&batch)
        }
        let frames = readAhead.frames
        if let final = validator?.finish() { keep(final) }
        keep(RecordingChecks.findings(header: reader.header, frames: frames))
        findings.sort { ($0.line, $0.rule) < ($1.line, $1.rule) }
        var report = FileReport(
            path: path, frames: frames, dialect: dialect ?? reader.header?.dialect, findings: findings)
        report.header = reader.header
        if !findings.isEmpty, path != "-" {
            let wanted = Set(findings.flatMap { f in [f.line - 1, f.line, f.line + 1] + f.related.map(\.line) })
            report.excerpts = (try? Excerpts.lines(wanted, in: path)) ?? [:]
        }
        return report
    }

    /// The finding for a reader issue (`nil` for notes such as a BOM or CRLF).
    public static func finding(for issue: ReaderIssue) -> Finding? {
        let rule: String
        switch issue.code {
        case .invalidJSON: rule = "reader.invalid-json"
        case .truncatedLine: rule = "reader.truncated-line"
        case .notAFrame: rule = "reader.not-a-frame"
        case .lineTooLong: rule = "reader.line-too-long"
        case .missingHeader, .badHeader, .newerVersion: rule = "reader.header"
        case .bom, .crlf, .blankLine, .extraHeader: return nil
        }
        return Finding(
            rule: rule, severity: issue.severity == .error ? .error : .warning, message: issue.message,
            line: issue.line,
            eventIndex: 0)
    }
}

/// One-line views of chosen recording lines, for report context.
enum Excerpts {
    static func lines(_ wanted: Set<Int>, in path: String) throws -> [Int: String] {
        var out: [Int: String] = [:]
        let last = wanted.max() ?? 0
        let reader = try RecordingInput.open(path).reader
        try reader.read { event in
            guard case .line(let line) = event else { return true }
            if wanted.contains(line.number) {
                let arrow = line.direction?.arrow ?? " "
                if let object = line.eventObject(), let type = object["type"] as? String {
                    let summary = EventSummary.summarize(
                        object, spec: EventCatalog.standard.spec(for: type), maxText: 60)
                    out[line.number] = "\(arrow) \(type)\(summary.isEmpty ? "" : " " + summary)"
                } else {
                    out[line.number] = line.kind == .header ? "(header)" : "\(arrow) [\(line.opcode?.rawValue ?? "?")]"
                }
            }
            return line.number < last
        }
        return out
    }
}
