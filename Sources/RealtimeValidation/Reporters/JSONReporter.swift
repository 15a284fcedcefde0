import Foundation
import RealtimeProtocol
import RealtimeRecording

/// Machine JSON: every file with its counts and findings, plus the rules that ran.
///
/// The text is what `JSONEncoder` writes for `Document` with `[.prettyPrinted, .sortedKeys,
/// .withoutEscapingSlashes]` (a test compares them), written directly: the encoder took about 10 µs
/// per finding, which dominated `validate --format json` on files with hundreds of thousands of findings.
///
/// `write(_:to:)` streams the text in pieces of about `StreamingJSONWriter.pieceBytes` (64 KiB), so a report of
/// hundreds of megabytes never exists in memory: `validate --format json` holds the findings, not their text.
public enum JSONReporter {
    struct Document: Encodable {
        struct File: Encodable {
            let path: String
            let frames: Int
            let dialect: String?
            let errors: Int
            let warnings: Int
            let notes: Int
            let passed: Bool
            let findings: [Finding]
        }
        let tool: String
        let failAt: String
        let passed: Bool
        let files: [File]
        let rules: [RuleInfo]
    }

    static func document(_ result: ValidationResult) -> Document {
        Document(
            tool: RecordingFormat.toolName, failAt: result.failAt.rawValue, passed: !result.failed,
            files: result.reports.map { r in
                .init(
                    path: r.path, frames: r.frames, dialect: r.dialect?.rawValue, errors: r.count(.error),
                    warnings: r.count(.warning), notes: r.count(.note),
                    passed: !r.has(atLeast: result.failAt), findings: r.findings)
            }, rules: result.rules)
    }

    /// The whole report as one string (tests, small reports); `write(_:to:)` streams it.
    public static func render(_ result: ValidationResult) throws -> String {
        var bytes: [UInt8] = []
        write(result) { bytes.append(contentsOf: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes the report (ending in a newline) to `sink` in pieces of about 64 KiB, in order; a piece is only valid
    /// during the call.
    ///
    /// The fields are `document(result)`'s, read from the reports directly: a report whose findings are kept as bytes
    /// (`FindingLog`) is written from them, never decoded into `Finding`s.
    public static func write(_ result: ValidationResult, to sink: (UnsafeRawBufferPointer) -> Void) {
        withoutActuallyEscaping(sink) { sink in
            var w = StreamingJSONWriter(sink: sink)
            w.open(0x7B)
            w.field("failAt", result.failAt.rawValue)
            w.key("files")
            w.open(0x5B)
            for report in result.reports {
                w.element()
                w.open(0x7B)
                w.field("dialect", report.dialect?.rawValue)
                w.field("errors", report.count(.error))
                w.key("findings")
                w.open(0x5B)
                if let log = report.log {
                    findings(&w, LogElements(log: log))
                } else {
                    let list = report.findings
                    list.withUnsafeBufferPointer { findings(&w, ListElements(all: $0)) }
                }
                w.close(0x5D)
                w.field("frames", report.frames)
                w.field("notes", report.count(.note))
                w.field("passed", !report.has(atLeast: result.failAt))
                w.field("path", report.path)
                w.field("warnings", report.count(.warning))
                w.close(0x7D)
            }
            w.close(0x5D)
            w.field("passed", !result.failed)
            w.key("rules")
            w.open(0x5B)
            for rule in result.rules {
                w.element()
                w.open(0x7B)
                w.field("id", rule.id)
                w.field("requirement", rule.requirement)
                w.field("severity", rule.severity.rawValue)
                w.field("source", rule.source)
                w.field("summary", rule.summary)
                w.close(0x7D)
                w.drainIfFull()
            }
            w.close(0x5D)
            w.field("tool", RecordingFormat.toolName)
            w.close(0x7D)
            w.newline()
            w.drain()
        }
    }

    /// Findings per chunk when two threads render a long findings array (about 600 KB of text a chunk when most
    /// events have a finding).
    static let chunk = 1024

    /// Writes the elements of a findings array.
    ///
    /// A long one is rendered two chunks at a time, one on this thread and
    /// the next on another (each into its own writer's buffer), then passed on in order: rendering was the part of
    /// `validate --format json` that grows with the findings and ran after the validation, on one core.
    private static func findings<E: FindingElements>(_ w: inout StreamingJSONWriter, _ all: E) {
        var from = 0
        if all.count >= 4 * chunk {
            // The first chunk on this thread alone, so `side` (which writes a comma first) follows an element.
            for i in 0..<chunk { element(&w, all, i) }
            from = chunk
            var side = StreamingJSONWriter(continuing: w)
            withUnsafeMutablePointer(to: &w) { main in
                withUnsafeMutablePointer(to: &side) { side in
                    let shared = Shared(writers: (main, side), all: all)
                    while all.count - from >= 2 * chunk {
                        let (start, split, end) = (from, from + chunk, from + 2 * chunk)
                        DispatchQueue.concurrentPerform(iterations: 2) { half in
                            let w = half == 0 ? shared.writers.0 : shared.writers.1
                            for i in (half == 0 ? start..<split : split..<end) { element(&w.pointee, shared.all, i) }
                        }
                        // In order: this chunk's text, then the next one's.
                        main.pointee.drain()
                        side.pointee.drain()
                        from = end
                    }
                }
            }
        }
        for i in from..<all.count {
            element(&w, all, i)
            w.drainIfFull()
        }
    }

    /// The two writers and the findings, shared with the thread that renders every other chunk: a writer is used by
    /// one thread at a time (`concurrentPerform` returns before either is drained), the findings are only read.
    private struct Shared<E: FindingElements>: @unchecked Sendable {
        let writers: (UnsafeMutablePointer<StreamingJSONWriter>, UnsafeMutablePointer<StreamingJSONWriter>)
        let all: E
    }

    /// Writes `all[i]` as the next element of the open array.
    @inline(__always)
    private static func element<E: FindingElements>(_ w: inout StreamingJSONWriter, _ all: E, _ i: Int) {
        w.element()
        all.write(i, into: &w)
    }

    /// Writes `all[i]` (read in place: a copy of the finding would retain each of its strings).
    static func finding(_ w: inout StreamingJSONWriter, _ all: UnsafeBufferPointer<Finding>, _ i: Int) {
        w.open(0x7B)
        w.field("actual", all[i].actual)
        w.field("eventID", all[i].eventID)
        w.field("eventIndex", all[i].eventIndex)
        w.field("eventType", all[i].eventType)
        w.field("expected", all[i].expected)
        w.field("line", all[i].line)
        w.field("message", all[i].message)
        w.key("related")
        w.open(0x5B)
        all[i].related.withUnsafeBufferPointer { related in
            for j in related.indices {
                w.element()
                w.open(0x7B)
                w.field("line", related[j].line)
                w.field("note", related[j].note)
                w.close(0x7D)
            }
        }
        w.close(0x5D)
        w.field("rule", all[i].rule)
        w.key("severity")
        w.severity(all[i].severity)
        w.field("subject", all[i].subject)
        w.close(0x7D)
    }

    /// Writes a finding kept as bytes: the same text as `finding(_:_:_:)` writes for the `Finding` it was.
    static func finding(_ w: inout StreamingJSONWriter, _ r: FindingLog.Record, rules: [String]) {
        w.open(0x7B)
        w.field("actual", bytes: r.actual)
        w.field("eventID", bytes: r.eventID)
        w.field("eventIndex", r.eventIndex)
        w.field("eventType", bytes: r.eventType)
        w.field("expected", bytes: r.expected)
        w.field("line", r.line)
        w.key("message")
        w.string(bytes: r.message ?? UnsafeRawBufferPointer(start: nil, count: 0))
        w.key("related")
        w.open(0x5B)
        r.forEachRelated { line, note in
            w.element()
            w.open(0x7B)
            w.field("line", line)
            w.field("note", bytes: note)
            w.close(0x7D)
        }
        w.close(0x5D)
        w.field("rule", rules[Int(r.rule)])
        w.key("severity")
        w.severity(r.severity)
        w.field("subject", bytes: r.subject)
        w.close(0x7D)
    }
}

/// Findings the JSON reporter writes as the elements of an array, by index: read only, from two threads at once.
protocol FindingElements {
    var count: Int { get }
    func write(_ i: Int, into w: inout StreamingJSONWriter)
}

/// `Finding`s in memory.
struct ListElements: FindingElements {
    let all: UnsafeBufferPointer<Finding>
    var count: Int { all.count }
    func write(_ i: Int, into w: inout StreamingJSONWriter) { JSONReporter.finding(&w, all, i) }
}

/// Findings kept as bytes, in report order.
struct LogElements: FindingElements {
    let log: FindingLog
    var count: Int { log.count }
    func write(_ i: Int, into w: inout StreamingJSONWriter) {
        let record = log.record(at: i)
        if !FindingRecordText.write(record, rule: log.ruleBytes(record.rule), into: &w) {
            JSONReporter.finding(&w, record, rules: log.rules)
        }
    }
}
