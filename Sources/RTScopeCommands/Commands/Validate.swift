import ArgumentParser
import Foundation
import RealtimeProtocol
import RealtimeRecording
import RealtimeValidation

extension RTScope {
    /// `rtscope validate`: check recordings against the protocol, for humans and CI.
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check recordings against the Realtime protocol state machine and rules.",
            discussion: """
                Reads recordings or any log `rtscope import` reads. Every finding names the rule, the \
                JSONL line and the event. `rtscope rules` lists the rules.

                EXIT CODES
                  0   no finding at or above the threshold (error; warning with --strict)
                  1   findings at or above the threshold
                  64  usage error
                  65  an input is not a recording or a supported log
                  66  an input cannot be opened or read
                  73  the report cannot be written
                """)

        @Argument(help: "Recordings or logs to check.")
        var files: [String]

        @Option(help: "Report format: text, json, junit, sarif or github.")
        var format: FormatArgument = FormatArgument(format: .text)

        @Option(
            name: .shortAndLong,
            help: "Write the report to this file instead of standard output ('-': standard output).")
        var output: String?

        @Flag(help: "Fail on warnings too.")
        var strict = false

        @Flag(
            help:
                "Text report: show every finding (default: the first 20 of each rule per file, with a count of the rest)."
        )
        var all = false

        @Option(help: "Run only these rules (repeatable).")
        var enable: [String] = []

        @Option(help: "Do not run these rules (repeatable).")
        var disable: [String] = []

        @Option(help: "Report only findings at or above this severity: note, warning or error.")
        var minSeverity: SeverityArgument = SeverityArgument(severity: .note)

        @Option(help: "Dialect: beta, ga or auto (from the header and the events).")
        var dialect: String = "auto"

        func validate() throws {
            for id in enable + disable where RuleCatalog.info(id) == nil {
                throw ValidationError(CommandSuggestion.unknownRule(id, known: RuleCatalog.all.map(\.id)))
            }
            guard dialect == "auto" || Dialect(rawValue: dialect) != nil else {
                throw ValidationError("--dialect must be beta, ga or auto.")
            }
        }

        func run() throws {
            let selection = RuleSelection(
                disabled: Set(disable), enabled: Set(enable), minimumSeverity: minSeverity.severity)
            let outcome = try ValidateFrontend.run(
                files: files, format: format.format, selection: selection, failAt: strict ? .warning : .error,
                dialect: Dialect(rawValue: dialect), output: output == "-" ? nil : output, all: all,
                keepUntilExit: true)
            switch outcome {
            case .passed: return
            case .failed: throw ExitCodes.findings
            case .unreadable(let code): throw code
            }
        }
    }
}

struct FormatArgument: ExpressibleByArgument {
    let format: ReportFormat
    init(format: ReportFormat) { self.format = format }
    init?(argument: String) {
        guard let format = ReportFormat(rawValue: argument) else { return nil }
        self.format = format
    }
    static var allValueStrings: [String] { ReportFormat.allCases.map(\.rawValue) }
    var defaultValueDescription: String { format.rawValue }
}

struct SeverityArgument: ExpressibleByArgument {
    let severity: Severity
    init(severity: Severity) { self.severity = severity }
    init?(argument: String) {
        guard let severity = Severity(rawValue: argument) else { return nil }
        self.severity = severity
    }
    static var allValueStrings: [String] { Severity.allCases.map(\.rawValue) }
    var defaultValueDescription: String { severity.rawValue }
}
