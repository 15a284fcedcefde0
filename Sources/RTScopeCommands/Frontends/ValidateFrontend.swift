import ArgumentParser
import Foundation
import RealtimeProtocol
import RealtimeRecording
import RealtimeValidation

/// Carries out `rtscope validate`: validate every file, render the report, write it.
enum ValidateFrontend {
    enum Outcome: Equatable {
        case passed, failed
        /// Some inputs could not be validated; the exit code says why (65 or 66).
        case unreadable(ExitCode)
    }

    /// - Parameter keepUntilExit: the process exits right after (the command line): the reports are left allocated
    ///   (`ReportsLeftForExit`), not freed one finding string at a time.
    static func run(
        files: [String], format: ReportFormat, selection: RuleSelection, failAt: Severity, dialect: Dialect?,
        output: String?, all: Bool = false, keepUntilExit: Bool = false
    ) throws -> Outcome {
        // Only text and junit print excerpts; text shows the first findings of each rule unless --all.
        let policy: ExcerptPolicy =
            switch format {
            case .text: all ? .all : .firstPerRule(TextReporter.defaultLimit)
            case .junit: .all
            case .json, .sarif, .github: .none
            }
        var reports: [FileReport] = []
        var unreadable: [String] = []
        var unreadableCode = ExitCodes.notARecording
        for file in files {
            do {
                reports.append(
                    try ValidationRun.validate(
                        path: file, dialect: dialect, selection: selection, excerpts: policy,
                        compactFindings: format == .json,
                        sample: format == .text && !all ? TextReporter.defaultLimit : nil))
            } catch let error as RecordingError {
                Diagnostics.print("rtscope: \(error)")
                unreadable.append(file)
                // 66 (cannot read) wins over 65 (not a recording) when inputs fail both ways.
                if ExitCodes.code(for: error) == ExitCodes.cannotRead { unreadableCode = ExitCodes.cannotRead }
            }
        }
        let result = ValidationResult(
            reports: reports, rules: selection.activeRules, failAt: failAt, unreadable: unreadable)
        if keepUntilExit { ReportsLeftForExit.keep(result) }
        let color = output == nil && format == .text && Terminal.colorAllowed()
        // The report goes out in pieces: json is written as it is rendered (its text for hundreds of thousands of
        // findings would be hundreds of megabytes); the other formats are rendered whole, then written.
        let render: ((UnsafeRawBufferPointer) -> Void) -> Void
        switch format {
        case .json: render = { JSONReporter.write(result, to: $0) }
        default: render = try Self.whole(format, result, color: color, all: all)
        }
        if let output {
            do {
                try OutputFile.write(to: output, mode: .replace) { fd in
                    var failure: (any Error)?
                    render { piece in
                        guard failure == nil else { return }
                        do { try writeAll(fd, piece, name: output) } catch { failure = error }
                    }
                    if let failure { throw failure }
                }
            } catch {
                Diagnostics.print("rtscope: \(error)")
                throw ExitCodes.cannotWrite
            }
            // The report went to a file: the terminal still gets the verdict, in one line.
            Diagnostics.print(oneLineSummary(result, reportPath: output))
        } else {
            let out = Output()
            render { out.write(bytes: $0) }
            try out.finish()
        }
        if !unreadable.isEmpty { return .unreadable(unreadableCode) }
        return result.failed ? .failed : .passed
    }

    /// A report rendered whole (every format but json), as a writer of its bytes.
    private static func whole(
        _ format: ReportFormat, _ result: ValidationResult, color: Bool, all: Bool
    ) throws -> ((UnsafeRawBufferPointer) -> Void) -> Void {
        var text: String
        switch format {
        case .text: text = TextReporter.render(result, color: color, limit: all ? nil : TextReporter.defaultLimit)
        case .json: text = try JSONReporter.render(result)
        case .junit: text = JUnitReporter.render(result)
        case .sarif: text = try SARIFReporter.render(result, workingDirectory: FileManager.default.currentDirectoryPath)
        case .github:
            text = GitHubReporter.render(result)
            if let summaryPath = ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"], !summaryPath.isEmpty {
                do {
                    try GitHubReporter.appendSummary(result, to: summaryPath)
                } catch {
                    Diagnostics.print("rtscope: GITHUB_STEP_SUMMARY: \(error)")  // the report itself still goes out
                }
            }
        }
        return { sink in text.withUTF8 { sink(UnsafeRawBufferPointer($0)) } }
    }

    /// The verdict in one line, e.g. `rtscope validate: 1 of 2 files failed (3 errors, 1 warning, 0 notes); report: out.xml.`
    static func oneLineSummary(_ result: ValidationResult, reportPath: String) -> String {
        let failed = result.reports.filter { r in r.has(atLeast: result.failAt) }.count
        let count = { (s: Severity) in result.reports.reduce(0) { $0 + $1.count(s) } }
        let verdict =
            failed == 0
            ? "\(Plural.count(result.reports.count, "file")) passed"
            : "\(failed) of \(Plural.count(result.reports.count, "file")) failed"
        let unreadable = result.unreadable.isEmpty ? "" : ", \(result.unreadable.count) could not be read"
        return "rtscope validate: \(verdict)\(unreadable) (\(Plural.count(count(.error), "error")), "
            + "\(Plural.count(count(.warning), "warning")), \(Plural.count(count(.note), "note"))); report: \(reportPath)."
    }
}

/// Reports the command line leaves allocated when it exits.
///
/// Freeing a report releases every string of every finding: about 2% of `validate` on a file where most events have
/// a finding (hundreds of thousands of them), for memory the process returns to the system a moment later anyway.
/// Only the `validate` command keeps its result (once per process, so nothing grows); tests and other callers free
/// theirs as usual. The retain is deliberately unbalanced (`Unmanaged.passRetained`), so a leak checker lists these
/// allocations as leaked: that is the intent, and the only memory left so.
enum ReportsLeftForExit {
    private final class Box: Sendable {
        let result: ValidationResult
        init(_ result: ValidationResult) { self.result = result }
    }

    /// Leaves `result` allocated until the process exits.
    static func keep(_ result: ValidationResult) {
        _ = Unmanaged.passRetained(Box(result))
    }
}
