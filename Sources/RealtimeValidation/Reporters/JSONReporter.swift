import Foundation
import RealtimeProtocol
import RealtimeRecording

/// Machine JSON: every file with its counts and findings, plus the rules that ran.
///
/// The text is what `JSONEncoder` writes for `Document` with `[.prettyPrinted, .sortedKeys,
/// .withoutEscapingSlashes]` (a test compares them), written directly: the encoder took about 10 µs
/// per finding, which dominated `validate --format json` on files with hundreds of thousands of findings.
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
                    passed: !r.findings.contains { $0.severity >= result.failAt }, findings: r.findings)
            }, rules: result.rules)
    }

    public static func render(_ result: ValidationResult) throws -> String {
        var w = PrettyJSON()
        let d = document(result)
        w.open("{")
        w.member("failAt") { $0.string(d.failAt) }
        w.member("files") { w in
            w.array(d.files) { w, file in
                w.open("{")
                if let dialect = file.dialect { w.member("dialect") { $0.string(dialect) } }
                w.member("errors") { $0.int(file.errors) }
                w.member("findings") { w in w.array(file.findings) { w, f in finding(&w, f) } }
                w.member("frames") { $0.int(file.frames) }
                w.member("notes") { $0.int(file.notes) }
                w.member("passed") { $0.bool(file.passed) }
                w.member("path") { $0.string(file.path) }
                w.member("warnings") { $0.int(file.warnings) }
                w.close("}")
            }
        }
        w.member("passed") { $0.bool(d.passed) }
        w.member("rules") { w in
            w.array(d.rules) { w, rule in
                w.open("{")
                w.member("id") { $0.string(rule.id) }
                w.member("requirement") { $0.string(rule.requirement) }
                w.member("severity") { $0.string(rule.severity.rawValue) }
                w.member("source") { $0.string(rule.source) }
                w.member("summary") { $0.string(rule.summary) }
                w.close("}")
            }
        }
        w.member("tool") { $0.string(d.tool) }
        w.close("}")
        return String(decoding: w.out, as: UTF8.self) + "\n"
    }

    private static func finding(_ w: inout PrettyJSON, _ f: Finding) {
        w.open("{")
        if let actual = f.actual { w.member("actual") { $0.string(actual) } }
        if let eventID = f.eventID { w.member("eventID") { $0.string(eventID) } }
        w.member("eventIndex") { $0.int(f.eventIndex) }
        if let eventType = f.eventType { w.member("eventType") { $0.string(eventType) } }
        if let expected = f.expected { w.member("expected") { $0.string(expected) } }
        w.member("line") { $0.int(f.line) }
        w.member("message") { $0.string(f.message) }
        w.member("related") { w in
            w.array(f.related) { w, r in
                w.open("{")
                w.member("line") { $0.int(r.line) }
                w.member("note") { $0.string(r.note) }
                w.close("}")
            }
        }
        w.member("rule") { $0.string(f.rule) }
        w.member("severity") { $0.string(f.severity.rawValue) }
        if let subject = f.subject { w.member("subject") { $0.string(subject) } }
        w.close("}")
    }
}

/// Writes pretty-printed JSON the way `JSONEncoder` does (two-space indent, `"key" : value`, empty
/// containers as `[\n\n<indent>]`, `/` unescaped, control characters as `\uXXXX` or their short escapes).
struct PrettyJSON {
    var out: [UInt8] = []
    private var depth = 0
    /// Whether the container open at each depth has a member or element yet.
    private var started: [Bool] = []

    init() { out.reserveCapacity(1 << 16) }

    mutating func open(_ bracket: Character) {
        out.append(bracket == "{" ? 0x7B : 0x5B)
        out.append(0x0A)
        depth += 1
        started.append(false)
    }

    mutating func close(_ bracket: Character) {
        out.append(0x0A)
        depth -= 1
        started.removeLast()
        indent()
        out.append(bracket == "}" ? 0x7D : 0x5D)
    }

    /// Starts the next member or element: a comma after the previous one, then the indent.
    private mutating func next() {
        if started[started.count - 1] {
            out.append(0x2C)
            out.append(0x0A)
        }
        started[started.count - 1] = true
        indent()
    }

    private mutating func indent() {
        for _ in 0..<depth {
            out.append(0x20)
            out.append(0x20)
        }
    }

    mutating func member(_ key: String, _ value: (inout PrettyJSON) -> Void) {
        next()
        string(key)
        out.append(contentsOf: [0x20, 0x3A, 0x20])
        value(&self)
    }

    mutating func array<T>(_ items: [T], _ element: (inout PrettyJSON, T) -> Void) {
        open("[")
        for item in items {
            next()
            element(&self, item)
        }
        close("]")
    }

    mutating func int(_ n: Int) { out.append(contentsOf: String(n).utf8) }

    mutating func bool(_ b: Bool) { out.append(contentsOf: (b ? "true" : "false").utf8) }

    mutating func string(_ s: String) {
        out.append(0x22)
        var s = s
        let plain = s.withUTF8 { bytes in
            // Most strings need no escape: one scan, one copy.
            guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if plain {
            out.append(0x22)
            return
        }
        for byte in s.utf8 {
            switch byte {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: out.append(contentsOf: [0x5C, 0x72])
            case 0x09: out.append(contentsOf: [0x5C, 0x74])
            case 0x08: out.append(contentsOf: [0x5C, 0x62])
            case 0x0C: out.append(contentsOf: [0x5C, 0x66])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: out.append(byte)
            }
        }
        out.append(0x22)
    }
}
