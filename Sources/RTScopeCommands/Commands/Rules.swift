import ArgumentParser
import RealtimeProtocol
import RealtimeValidation

extension RTScope {
    /// `rtscope rules`: list the validation rules.
    struct Rules: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the validation rules: id, severity, what each checks and where it comes from.")

        @Flag(help: "Print JSON.")
        var json = false

        @Flag(help: "Print the Markdown of docs/rules.md.")
        var markdown = false

        func run() throws {
            let out = Output()
            let rules = RuleCatalog.all
            out.write(
                json
                    ? try RulesListing.json(rules) : markdown ? RulesListing.markdown(rules) : RulesListing.table(rules)
            )
            try out.finish()
        }
    }

    /// `rtscope spec`: draw the protocol state machine.
    struct Spec: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the protocol state machine as a Mermaid or Graphviz diagram.")

        @Flag(help: "Mermaid stateDiagram-v2 (the default).")
        var mermaid = false

        @Flag(help: "Graphviz dot.")
        var dot = false

        func validate() throws {
            if mermaid && dot { throw ValidationError("Choose one of --mermaid and --dot.") }
        }

        func run() throws {
            let out = Output()
            out.write(dot ? ProtocolStateMachine.standard.dot() : ProtocolStateMachine.standard.mermaid())
            try out.finish()
        }
    }
}
