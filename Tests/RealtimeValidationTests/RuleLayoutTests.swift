import Foundation
import RealtimeRecording
import Testing

@testable import RealtimeValidation

/// A rule is one file (`Sources/RealtimeValidation/Rules/<Group>/<RuleName>.swift`); the catalog's list is generated
/// from those files, and a disabled rule's check does not run.
struct RuleLayoutTests {
    static let rulesFolder = Samples.root.appendingPathComponent(
        "Sources/RealtimeValidation/Rules")

    /// (group, static name) of every rule file, read from the sources.
    static func ruleFiles(kind: String = "RuleInfo") throws -> [(group: String, name: String, file: String)] {
        var out: [(String, String, String)] = []
        let manager = FileManager.default
        for group in try manager.contentsOfDirectory(atPath: rulesFolder.path).sorted() {
            let folder = rulesFolder.appendingPathComponent(group)
            var isFolder: ObjCBool = false
            guard manager.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else { continue }
            for file in try manager.contentsOfDirectory(atPath: folder.path).sorted() where file.hasSuffix(".swift") {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                let pattern = try Regex(#"static let (\w+) = "# + kind + #"\("#)
                for match in text.matches(of: pattern) {
                    let words = text[match.range].split(separator: " ")
                    out.append((group, String(words[words.count - 3]), file))
                }
            }
        }
        return out
    }

    /// The catalog list as the rule files give it: listed rules keep their place, new ones go to their group's end.
    static func generatedList(current: [String], kind: String) throws -> [String] {
        let files = try ruleFiles(kind: kind)
        var list: [String] = []
        for group in RuleCatalog.groups {
            let names = files.filter { $0.group == group }.map(\.name)
            list += current.filter(names.contains) + names.filter { !current.contains($0) }
        }
        return list
    }

    @Test func everyRuleFileDeclaresOneRuleNamedLikeTheFile() throws {
        let files = try Self.ruleFiles()
        #expect(files.count == RuleCatalog.all.count)
        for file in files {
            #expect(RuleCatalog.groups.contains(file.group), "\(file.group)/\(file.file): unknown group")
            #expect(file.file.lowercased() == "\(file.name.lowercased()).swift", "\(file.file) declares \(file.name)")
        }
        #expect(Set(files.map(\.file)).count == files.count, "a rule file declares more than one rule")
    }

    /// The lists in RuleCatalog.swift are generated; `RECORD_SNAPSHOTS=1` rewrites them after adding or removing a rule.
    @Test(arguments: [("RuleInfo", "all", "RULE"), ("RuleCheck", "checks", "CHECK")])
    func catalogListIsGeneratedFromTheRuleFiles(_ kind: String, _ list: String, _ marker: String) throws {
        let path = Self.rulesFolder.appendingPathComponent("RuleCatalog.swift")
        let source = try String(contentsOf: path, encoding: .utf8)
        let begin = try #require(source.range(of: "static let \(list): [\(kind)] = [\n"))
        let end = try #require(source.range(of: "    ]\n    // END GENERATED \(marker) LIST"))
        let current = source[begin.upperBound..<end.lowerBound].split(separator: "\n").map {
            String($0.trimmingCharacters(in: .whitespaces).dropFirst().dropLast())
        }
        let wanted = try Self.generatedList(current: current, kind: kind)
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil, wanted != current {
            let body = wanted.map { "        .\($0),\n" }.joined()
            try (source[..<begin.upperBound] + body + source[end.lowerBound...]).write(
                to: path, atomically: true, encoding: .utf8)
        }
        #expect(wanted == current, "regenerate: RECORD_SNAPSHOTS=1 swift test --filter RuleLayoutTests")
    }

    /// The README states the rule count; it follows the catalog.
    @Test func readmeStatesTheRuleCount() throws {
        let readme = try String(contentsOf: Samples.root.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(
            readme.contains("a state machine with \(RuleCatalog.all.count) rules"),
            "update the rule count in README.md to \(RuleCatalog.all.count)")
    }

    /// `--disable` stops the check itself: the probe sees every check that runs.
    @Test func aDisabledRuleDoesNotRun() throws {
        let session = try Session.load("text-in-text-out.jsonl")
        var ran: Set<String> = []
        _ = session.validate(probe: { ran.insert($0) })
        #expect(ran.contains(RuleInfo.usageArithmetic.id))
        #expect(ran.contains(RuleInfo.responseNotDone.id))
        ran = []
        let disabled = Set([RuleInfo.usageArithmetic.id, RuleInfo.responseNotDone.id])
        _ = session.validate(selection: RuleSelection(disabled: disabled), probe: { ran.insert($0) })
        #expect(ran.isDisjoint(with: disabled), "\(ran.intersection(disabled))")
        #expect(ran.contains(RuleInfo.sessionUpdateOutOfRange.id))
        ran = []
        _ = session.validate(
            selection: RuleSelection(enabled: [RuleInfo.usageArithmetic.id]), probe: { ran.insert($0) })
        #expect(ran == [RuleInfo.usageArithmetic.id])
    }

    /// Every mutation's rule, disabled, yields no finding of that rule (checked at the source, not filtered later).
    @Test(arguments: faultCorpus)
    func aDisabledRuleFindsNothing(_ mutation: Mutation) throws {
        var session = try Session.load(mutation.sample)
        mutation.apply(&session)
        let findings = session.validate(selection: RuleSelection(disabled: [mutation.rule]))
        #expect(!findings.contains { $0.rule == mutation.rule })
    }
}

/// `--disable` stops the reader's and the whole-recording rules from running too, not only the validator's.
struct ReaderRuleSelectionTests {
    /// The rules whose checks ran, and the findings, for `path` under `selection`.
    static func run(_ path: String, _ selection: RuleSelection) throws -> (ran: Set<String>, findings: [Finding]) {
        var ran: Set<String> = []
        let report = try ValidationRun.run(
            path: path, dialect: nil, selection: selection, readerOptions: .init(), excerpts: .all, observe: nil,
            probe: { ran.insert($0) })
        return (ran, report.findings)
    }

    @Test func aDisabledReaderOrRecordingRuleDoesNotRun() throws {
        // Hand-made input: a recording header, then a line that is not JSON, and no frame.
        let header =
            #"{"format":"rtscope-recording","version":1,"created":"2026-01-01T00:00:00.000000Z","tool":"t","#
            + #""source":"proxy"}"#
        let path = RecordingInputFindingTests.temporary(Array((header + "\n{not json\n").utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let all = try Self.run(path, RuleSelection())
        let rules: Set<String> = [RuleInfo.readerInvalidJSON.id, RuleInfo.recordingEmpty.id]
        #expect(Set(all.findings.map(\.rule)).isSuperset(of: rules), "\(all.findings.map(\.rule))")
        #expect(all.ran.isSuperset(of: rules))
        let off = try Self.run(path, RuleSelection(disabled: rules))
        #expect(off.ran.isDisjoint(with: rules), "ran although disabled: \(off.ran.intersection(rules))")
        #expect(!off.findings.contains { rules.contains($0.rule) })
        let only = try Self.run(path, RuleSelection(enabled: [RuleInfo.recordingEmpty.id]))
        #expect(only.ran == [RuleInfo.recordingEmpty.id])
        #expect(only.findings.map(\.rule) == [RuleInfo.recordingEmpty.id])
    }
}
