import Foundation
import RealtimeProtocol
import RealtimeRecording

/// Machine JSON: every file with its counts and findings, plus the rules that ran.
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

    public static func render(_ result: ValidationResult) throws -> String {
        let document = Document(
            tool: RecordingFormat.toolName, failAt: result.failAt.rawValue, passed: !result.failed,
            files: result.reports.map { r in
                .init(
                    path: r.path, frames: r.frames, dialect: r.dialect?.rawValue, errors: r.count(.error),
                    warnings: r.count(.warning), notes: r.count(.note),
                    passed: !r.findings.contains { $0.severity >= result.failAt }, findings: r.findings)
            }, rules: result.rules)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }
}
