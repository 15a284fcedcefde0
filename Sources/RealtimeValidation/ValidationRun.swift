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
    /// Findings in line order (only the first of each rule when the report is a sample: see `tally`).
    ///
    /// From a report made with `compactFindings` (kept as bytes), each access decodes every finding: read it once.
    public var findings: [Finding] { log?.findings() ?? list }
    private let list: [Finding]
    /// The findings as bytes instead of `list` (`ValidationRun.validate(…, compactFindings: true)`), for the JSON
    /// reporter, which writes them from the bytes.
    let log: FindingLog?
    /// One-line views of the lines findings point at (line → text), for context in reports.
    public var excerpts: [Int: String] = [:]
    /// The recording's header, when it had one (imports: with their provenance and timing).
    public var header: RecordingHeader?
    /// Findings of each severity (note, warning, error), counted once here: every report format asks.
    private let counts: (notes: Int, warnings: Int, errors: Int)
    /// Exact counts by rule and severity when `findings` is a sample (`ValidationRun.validate(…, sample:)`: the first
    /// findings of each rule only); `nil` when `findings` holds every finding.
    let tally: RuleTally?

    /// A report whose findings are kept as bytes (`FindingLog`, sealed).
    init(path: String, frames: Int, dialect: Dialect?, log: FindingLog) {
        self.path = path
        self.frames = frames
        self.dialect = dialect
        list = []
        self.log = log
        counts = log.counts
        tally = nil
    }

    /// A report that keeps only the first findings of each rule (`sample`, in report order) and counts every one.
    init(path: String, frames: Int, dialect: Dialect?, sample: [Finding], tally: RuleTally) {
        self.path = path
        self.frames = frames
        self.dialect = dialect
        list = sample
        log = nil
        counts = tally.severities
        self.tally = tally
    }

    public init(path: String, frames: Int, dialect: Dialect?, findings: [Finding]) {
        self.path = path
        self.frames = frames
        self.dialect = dialect
        list = findings
        log = nil
        tally = nil
        // Counted in place: copying a finding retains every string it holds.
        counts = findings.withUnsafeBufferPointer { all in
            var counts = (notes: 0, warnings: 0, errors: 0)
            for i in all.indices {
                switch all[i].severity {
                case .note: counts.notes += 1
                case .warning: counts.warnings += 1
                case .error: counts.errors += 1
                }
            }
            return counts
        }
    }

    /// Findings of one severity.
    public func count(_ severity: Severity) -> Int {
        switch severity {
        case .note: counts.notes
        case .warning: counts.warnings
        case .error: counts.errors
        }
    }

    /// Whether a finding is at `severity` or above.
    public func has(atLeast severity: Severity) -> Bool {
        switch severity {
        case .note: counts.notes + counts.warnings + counts.errors > 0
        case .warning: counts.warnings + counts.errors > 0
        case .error: counts.errors > 0
        }
    }
}

/// Validates whole inputs: the file-level driver around `SessionValidator`.
public enum ValidationRun {
    /// Validates `path` (a recording or any log `rtscope import` reads), in one pass over the input.
    /// - Parameter dialect: forced dialect; `nil` detects it from the header and the events.
    /// - Parameter excerpts: which findings get context lines in the report (collected as the lines
    ///   stream by, see `ExcerptCollector`; a related line far behind its finding gets none).
    /// - Parameter observe: called with every decoded frame after the validator has seen it, on
    ///   the calling thread, so another sans-I/O consumer (the session model) is built in the same pass.
    /// - Parameter compactFindings: keep the findings as bytes (`FindingLog`: less than half the memory, none of it
    ///   per finding on the heap), for a report that is only written as JSON; the report's `findings` then decodes
    ///   them at each access.
    /// - Parameter sample: keep only the first `sample` findings of each rule (in report order) and exact counts by rule
    ///   and severity (`FindingSample`), for a text report that shows no more than that (ignored with
    ///   `compactFindings`).
    /// - Throws: `RecordingError` when the input cannot be opened or read.
    public static func validate(
        path: String, dialect: Dialect? = nil, selection: RuleSelection = RuleSelection(),
        readerOptions: RecordingReader.Options = .init(), excerpts policy: ExcerptPolicy = .all,
        compactFindings: Bool = false, sample: Int? = nil, observe: ((ValidatorEvent) -> Void)? = nil
    ) throws -> FileReport {
        try run(
            path: path, dialect: dialect, selection: selection, readerOptions: readerOptions, excerpts: policy,
            observe: observe, probe: nil, log: compactFindings ? FindingLog() : nil,
            sample: compactFindings ? nil : sample.map(FindingSample.init))
    }

    /// `validate(path:…)`, with `probe` called with each rule whose check is about to run (tests: reader and
    /// recording rules as well as the validator's); with `log`, findings go there batch by batch.
    static func run(
        path: String, dialect: Dialect?, selection: RuleSelection, readerOptions: RecordingReader.Options,
        excerpts policy: ExcerptPolicy, observe: ((ValidatorEvent) -> Void)?, probe: ((String) -> Void)?,
        log: FindingLog? = nil, sample: FindingSample? = nil
    ) throws -> FileReport {
        let opened = try RecordingInput.open(path, options: readerOptions)
        let reader = opened.reader
        var validator: SessionValidator?
        // With `log` or `sample`, only the findings of the batch in hand: each batch's go to the log or the sample, then
        // their memory is reused.
        var findings: [Finding] = []
        // Each finding is moved into the log or the sample, its slot left holding `spent` (nothing to release) until
        // the array is emptied: a finding read in place would be copied for the call, retaining each of its strings,
        // then released twice.
        let spent = Finding(rule: "", severity: .note, message: "", line: 0, eventIndex: 0)
        var sample = sample
        func logBatch() {
            guard log != nil || sample != nil, !findings.isEmpty else { return }
            findings.withUnsafeMutableBufferPointer { all in
                guard let base = all.baseAddress else { return }
                for i in all.indices {
                    let finding = (base + i).move()
                    (base + i).initialize(to: spent)
                    if let log { log.append(finding) } else { sample?.add(finding) }
                }
            }
            findings.removeAll(keepingCapacity: true)
        }
        // Disabled rules do not run (reader and recording rules included), so only the severity floor filters here.
        let filtered = selection.minimumSeverity > .note
        // Drops the findings from `start` on that are below the severity floor (those just appended).
        func floor(from start: Int) {
            guard filtered, findings.count > start else { return }
            var kept = start
            for i in start..<findings.count where findings[i].severity >= selection.minimumSeverity {
                if i != kept { findings.swapAt(kept, i) }
                kept += 1
            }
            findings.removeSubrange(kept...)
        }
        func keep(_ new: [Finding]) {
            let start = findings.count
            findings += new
            floor(from: start)
        }
        var collector = ExcerptCollector(policy: policy)
        // Without excerpts, the validator writes its findings to the log itself (no `Finding` made for each).
        let direct = policy == .none ? log : nil
        // The reader and the tapes on one core, the rules on the other.
        let readAhead = ReadAhead(reader: reader)
        while let batch = try readAhead.next() {
            // Past 16,384 findings the array grows fourfold ahead of need, not twofold when full: fewer moves of
            // every finding into a fresh buffer (each new buffer is fresh pages, faulted in); the capacity not yet
            // written is address space only (a buffer this size is mapped, and its pages are touched as they fill).
            if findings.count >= 16_384, findings.capacity - findings.count < 4_096 {
                findings.reserveCapacity(findings.count * 4)
                adviseHugePages(&findings)
            }
            let before = findings.count
            for issue in batch.issues {
                if let finding = finding(for: issue, selection: selection, probe: probe) { keep([finding]) }
            }
            if validator == nil, !batch.events.isEmpty {
                validator = SessionValidator(
                    declaredDialect: dialect ?? batch.headerDialect,
                    capture: batch.headerSource == "import" ? .imported : .complete, selection: selection)
                validator?.ruleProbe = probe
                validator?.log = direct
                collector.headerLine = reader.header != nil
            }
            if direct != nil { logBatch() }  // the reader's findings go before the validator's, as in `findings`
            // Events read in place: a copy of each would write its tape's reference count from this thread, and the
            // reading thread, which reuses the tape, would then wait for that cache line.
            batch.events.withUnsafeBufferPointer { events in
                for i in events.indices {
                    // Appended in place: no copy of each finding, no array per event (most events may have one).
                    let start = findings.count
                    validator?.consume(events[i], appendingTo: &findings)
                    floor(from: start)
                    observe?(events[i])
                }
            }
            if findings.count > before { collector.want(findings[before...]) }
            logBatch()
            readAhead.recycle(collector.hold(consume batch))  // `consume`: no copy left here to keep the tapes
        }
        let frames = readAhead.frames
        let before = findings.count
        validator?.finish(appendingTo: &findings)
        floor(from: before)
        keep(RecordingChecks.findings(header: reader.header, frames: frames, selection: selection, probe: probe))
        collector.want(findings[before...], atEnd: true)
        readAhead.recycle(collector.finish())
        logBatch()  // the last findings, to the log or the sample (nothing happens without either)
        if let log {
            log.seal()
            var report = FileReport(path: path, frames: frames, dialect: dialect ?? reader.header?.dialect, log: log)
            report.header = reader.header
            report.excerpts = collector.excerpts
            return report
        }
        if let sample {
            var report = FileReport(
                path: path, frames: frames, dialect: dialect ?? reader.header?.dialect, sample: sample.finish(),
                tally: sample.tally)
            report.header = reader.header
            report.excerpts = collector.excerpts
            return report
        }
        // Findings arrive nearly in line order; sorting (stable, so the same order) only when they are not saves
        // moving every finding (a copy of each retains its strings).
        sortByLine(&findings)
        var report = FileReport(
            path: path, frames: frames, dialect: dialect ?? reader.header?.dialect, findings: findings)
        report.header = reader.header
        report.excerpts = collector.excerpts
        return report
    }

    /// Asks the kernel for 2 MiB pages for the unwritten capacity of a large findings array.
    ///
    /// Linux only, where transparent huge pages are "madvise"-only by default: with most events making a finding,
    /// faulting in the array's 4 KiB pages one by one was several percent of the run. Only advice: where the kernel
    /// declines, nothing changes. The range is whole 2 MiB blocks inside the array's own buffer, past its last element.
    static func adviseHugePages(_ findings: inout [Finding]) {
        #if os(Linux)
            let stride = MemoryLayout<Finding>.stride
            let (count, capacity) = (findings.count, findings.capacity)
            findings.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                let block = 2 << 20
                let from = (UInt(bitPattern: base) + UInt(count * stride) + UInt(block - 1)) & ~UInt(block - 1)
                let to = (UInt(bitPattern: base) + UInt(capacity * stride)) & ~UInt(block - 1)
                guard to > from, let start = UnsafeMutableRawPointer(bitPattern: from) else { return }
                _ = madvise(start, Int(to - from), MADV_HUGEPAGE)
            }
        #endif
    }

    /// Whether finding `a` goes after `b` in a report: a later line, or the same line and a later rule.
    @inline(__always)
    static func after(_ a: borrowing Finding, _ b: borrowing Finding) -> Bool {
        a.line > b.line || (a.line == b.line && a.rule > b.rule)
    }

    /// The length of the longest prefix of `findings` sorted by line, then rule.
    static func sortedPrefix(_ findings: [Finding]) -> Int {
        findings.withUnsafeBufferPointer { all in
            guard all.count > 1 else { return all.count }
            for i in 1..<all.count where after(all[i - 1], all[i]) { return i }
            return all.count
        }
    }

    /// Sorts `findings` by line, then rule, keeping the order of equal ones (what a stable sort gives), without
    /// copying findings (a copy retains each of its strings) or a buffer of their size.
    ///
    /// Findings arrive nearly in line order: a few rules on one line out of rule order, and a few end-of-session
    /// findings far behind. One pass keeps a sorted prefix, moving each finding into place by swaps when its place is
    /// at most `reach` back; one whose place is further back (a straggler: every finding that ties with it is one too)
    /// is set aside, and the stragglers, sorted, are merged in from the back.
    static func sortByLine(_ findings: inout [Finding], reach: Int = 64) {
        guard sortedPrefix(findings) < findings.count else { return }
        let filler = Finding(rule: "", severity: .note, message: "", line: 0, eventIndex: 0)
        var stragglers: [Finding] = []
        var kept = 0
        findings.withUnsafeMutableBufferPointer { all in
            // [0, kept) sorted; [kept, i) vacated (fillers); [i, count) not seen yet.
            for i in all.indices {
                if kept >= reach, after(all[kept - reach], all[i]) {
                    stragglers.append(filler)
                    swap(&all[i], &stragglers[stragglers.count - 1])
                    continue
                }
                if kept != i { all.swapAt(kept, i) }
                var k = kept
                while k > 0, after(all[k - 1], all[k]) {
                    all.swapAt(k - 1, k)
                    k -= 1
                }
                kept += 1
            }
        }
        guard !stragglers.isEmpty else { return }
        // Stragglers in order (stable through their positions), then a backward merge: on a tie the straggler goes
        // later (it came after every kept finding it ties with).
        var order = Array(stragglers.indices)
        order.sort { after(stragglers[$1], stragglers[$0]) || (!after(stragglers[$0], stragglers[$1]) && $0 < $1) }
        var rest = order.map { stragglers[$0] }
        stragglers = []
        var (i, j, to) = (kept - 1, rest.count - 1, findings.count - 1)
        findings.withUnsafeMutableBufferPointer { all in
            rest.withUnsafeMutableBufferPointer { rest in
                while j >= 0 {
                    if i >= 0, after(all[i], rest[j]) {
                        all.swapAt(to, i)
                        i -= 1
                    } else {
                        swap(&all[to], &rest[j])
                        j -= 1
                    }
                    to -= 1
                }
            }
        }
    }

    /// The finding for a reader issue (`nil` for notes such as a BOM or CRLF, and when its rule is not selected: a
    /// disabled reader rule builds no finding).
    public static func finding(
        for issue: ReaderIssue, selection: RuleSelection = RuleSelection(), probe: ((String) -> Void)? = nil
    ) -> Finding? {
        guard let rule = rule(for: issue.code), selection.runs(rule.id) else { return nil }
        probe?(rule.id)
        return Finding(
            rule: rule.id, severity: issue.severity == .error ? .error : .warning, message: issue.message,
            line: issue.line,
            eventIndex: 0)
    }

    /// The rule that reports a reader issue (`nil` for notes such as a BOM or CRLF).
    static func rule(for code: ReaderIssue.Code) -> RuleInfo? {
        switch code {
        case .invalidJSON: .readerInvalidJSON
        case .truncatedLine: .readerTruncatedLine
        case .notAFrame: .readerNotAFrame
        case .lineTooLong: .readerLineTooLong
        case .missingHeader, .badHeader, .newerVersion: .readerHeader
        case .bom, .crlf, .blankLine, .extraHeader: nil
        }
    }
}
