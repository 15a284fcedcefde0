import Foundation
import RealtimeRecording

/// SARIF 2.1.0 for GitHub code scanning and other SARIF consumers: stable `ruleId`s, rules with
/// descriptions, `artifactLocation.uri` relative to the working directory, `region.startLine` =
/// the JSONL line, and `partialFingerprints` built from the rule and the ids the finding is
/// about (not the line, so a finding keeps its identity when lines move).
public enum SARIFReporter {
    public static func render(_ result: ValidationResult, workingDirectory: String) throws -> String {
        let ruleIndex = Dictionary(uniqueKeysWithValues: result.rules.enumerated().map { ($1.id, $0) })
        let rules: [JSON] = result.rules.map { rule in
            [
                "id": .string(rule.id), "name": .string(rule.id),
                "shortDescription": ["text": .string(rule.summary)],
                "fullDescription": ["text": .string(rule.requirement)],
                "help": ["text": .string("\(rule.requirement) Source: \(rule.source).")],
                "defaultConfiguration": ["level": .string(level(rule.severity))],
                "properties": ["source": .string(rule.source)],
            ]
        }
        var results: [JSON] = []
        for report in result.reports {
            let uri = relative(report.path, to: workingDirectory)
            for f in report.findings {
                var message = f.message
                if let expected = f.expected { message += " Expected: \(expected)." }
                if let actual = f.actual { message += " Actual: \(actual)." }
                var entry: JSON = [
                    "ruleId": .string(f.rule), "level": .string(level(f.severity)),
                    "message": ["text": .string(message)],
                    "locations": [location(uri, f.line)],
                    "partialFingerprints": ["rtscopeFinding/v1": .string(fingerprint(f, uri))],
                ]
                if let i = ruleIndex[f.rule] { entry.set("ruleIndex", .int(i)) }
                if !f.related.isEmpty {
                    entry.set(
                        "relatedLocations",
                        .array(
                            f.related.enumerated().map { k, r in
                                var loc = location(uri, r.line)
                                loc.set("id", .int(k + 1))
                                loc.set("message", ["text": .string(r.note)])
                                return loc
                            }))
                }
                results.append(entry)
            }
        }
        let document: JSON = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
            "runs": [
                [
                    "tool": [
                        "driver": [
                            "name": "rtscope", "version": .string(RecordingFormat.toolVersion), "rules": .array(rules),
                            "informationUri": "https://github.com/rtscope/rtscope",
                        ]
                    ],
                    "results": .array(results),
                ]
            ],
        ]
        return document.encoded(.init(pretty: true, sortedKeys: true)) + "\n"
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .note: "note"
        }
    }

    static func location(_ uri: String, _ line: Int) -> JSON {
        ["physicalLocation": ["artifactLocation": ["uri": .string(uri)], "region": ["startLine": .int(max(1, line))]]]
    }

    /// `path` relative to `directory` when it lies inside it; otherwise as given.
    static func relative(_ path: String, to directory: String) -> String {
        let absolute = path.hasPrefix("/") ? path : directory + "/" + path
        let standardized = URL(fileURLWithPath: absolute).standardized.path
        let base = URL(fileURLWithPath: directory).standardized.path + "/"
        return standardized.hasPrefix(base) ? String(standardized.dropFirst(base.count)) : path
    }

    /// FNV-1a over the rule, the file and the ids the finding is about.
    static func fingerprint(_ f: Finding, _ uri: String) -> String {
        let ids = [f.subject, f.eventType, f.eventID].compactMap { $0 }
        let key = ([f.rule, uri] + (ids.isEmpty ? ["line \(f.line)"] : ids)).joined(separator: "|")
        let hex = String(RecordingIndex.hash(key.utf8), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
