import Foundation
import RealtimeProtocol
import RealtimeRecording
import RealtimeValidation

/// Carries out `rtscope validate`: validate every file, render the report, write it.
enum ValidateFrontend {
    enum Outcome { case passed, failed, unreadable }

    static func run(
        files: [String], format: ReportFormat, selection: RuleSelection, failAt: Severity, dialect: Dialect?,
        output: String?
    ) throws -> Outcome {
        var reports: [FileReport] = []
        var unreadable: [String] = []
        for file in files {
            do {
                reports.append(try ValidationRun.validate(path: file, dialect: dialect, selection: selection))
            } catch let error as RecordingError {
                Diagnostics.print("rtscope: \(error)")
                unreadable.append(file)
            }
        }
        let result = ValidationResult(
            reports: reports, rules: selection.activeRules, failAt: failAt, unreadable: unreadable)
        let color = output == nil && format == .text && Terminal.colorAllowed()
        let text: String
        switch format {
        case .text: text = TextReporter.render(result, color: color)
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
        if let output {
            do {
                try OutputFile.write(Array(text.utf8), to: output)
            } catch {
                Diagnostics.print("rtscope: \(error)")
                throw ExitCodes.cannotWrite
            }
        } else {
            let out = Output()
            out.write(text)
            out.flush()
        }
        if !unreadable.isEmpty { return .unreadable }
        return result.failed ? .failed : .passed
    }
}
