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
    public static func write(_ result: ValidationResult, to sink: (UnsafeRawBufferPointer) -> Void) {
        withoutActuallyEscaping(sink) { sink in
            var w = StreamingJSONWriter(sink: sink)
            let d = document(result)
            w.open(0x7B)
            w.field("failAt", d.failAt)
            w.key("files")
            w.open(0x5B)
            for file in d.files {
                w.element()
                w.open(0x7B)
                w.field("dialect", file.dialect)
                w.field("errors", file.errors)
                w.key("findings")
                w.open(0x5B)
                file.findings.withUnsafeBufferPointer { findings(&w, $0) }
                w.close(0x5D)
                w.field("frames", file.frames)
                w.field("notes", file.notes)
                w.field("passed", file.passed)
                w.field("path", file.path)
                w.field("warnings", file.warnings)
                w.close(0x7D)
            }
            w.close(0x5D)
            w.field("passed", d.passed)
            w.key("rules")
            w.open(0x5B)
            for rule in d.rules {
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
            w.field("tool", d.tool)
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
    private static func findings(_ w: inout StreamingJSONWriter, _ all: UnsafeBufferPointer<Finding>) {
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
    private struct Shared: @unchecked Sendable {
        let writers: (UnsafeMutablePointer<StreamingJSONWriter>, UnsafeMutablePointer<StreamingJSONWriter>)
        let all: UnsafeBufferPointer<Finding>
    }

    /// Writes `all[i]` as the next element of the open array.
    @inline(__always)
    private static func element(_ w: inout StreamingJSONWriter, _ all: UnsafeBufferPointer<Finding>, _ i: Int) {
        w.element()
        finding(&w, all, i)
    }

    /// Writes `all[i]` (read in place: a copy of the finding would retain each of its strings).
    private static func finding(_ w: inout StreamingJSONWriter, _ all: UnsafeBufferPointer<Finding>, _ i: Int) {
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
        for r in all[i].related {
            w.element()
            w.open(0x7B)
            w.field("line", r.line)
            w.field("note", r.note)
            w.close(0x7D)
        }
        w.close(0x5D)
        w.field("rule", all[i].rule)
        w.key("severity")
        w.severity(all[i].severity)
        w.field("subject", all[i].subject)
        w.close(0x7D)
    }
}
