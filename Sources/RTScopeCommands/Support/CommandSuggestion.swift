import ArgumentParser
import Foundation

/// "Did you mean …?" for a mistyped subcommand (`rtscope valdiate x`).
///
/// The root command takes no arguments of its own, so a first argument that is not an option and
/// names no subcommand is a typo. The suggestion is the subcommand with the smallest edit distance
/// (Damerau–Levenshtein, adjacent swaps count 1) within distance 2, or the one command the typed
/// word begins.
enum CommandSuggestion {
    /// The one-sentence error for `arguments` (without the program name), or nil when the first
    /// argument is an option, a subcommand, or absent.
    static func message(for arguments: [String], commands: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-"), !commands.contains(first), first != "help"
        else { return nil }
        let shown = first.count > 40 ? String(first.prefix(40)) + "…" : first
        let typed = first.lowercased()
        let prefixed = typed.count >= 2 ? commands.filter { $0.hasPrefix(typed) } : []
        let ranked = commands.map { ($0, distance(typed, $0)) }.sorted { $0.1 < $1.1 }
        if prefixed.count == 1 {
            return "rtscope: unknown command '\(shown)'; did you mean '\(prefixed[0])'?"
        }
        if let best = ranked.first, best.1 <= 2 {
            return "rtscope: unknown command '\(shown)'; did you mean '\(best.0)'?"
        }
        return "rtscope: unknown command '\(shown)'; the commands are \(commands.joined(separator: ", "))."
    }

    /// The one-sentence error for an unknown rule id in `--enable`/`--disable`, with the nearest id (edit distance at
    /// most 3) when there is one.
    static func unknownRule(_ id: String, known: [String]) -> String {
        let shown = id.count > 60 ? String(id.prefix(60)) + "…" : id
        let best = known.map { ($0, distance(id.lowercased(), $0)) }.min { $0.1 < $1.1 }
        if let best, best.1 <= 3 {
            return "Unknown rule '\(shown)'; did you mean '\(best.0)'? `rtscope rules` lists them."
        }
        return "Unknown rule '\(shown)'; `rtscope rules` lists them."
    }

    /// Optimal string alignment distance between `a` and `b`.
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a)
        let y = Array(b)
        if x.isEmpty || y.isEmpty { return max(x.count, y.count) }
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[x.count][y.count]
    }
}

extension RTScope {
    /// The program's entry: suggests a subcommand for a typo (exit 64), else runs the command tree.
    public static func start() async {
        let names = configuration.subcommands.map { $0._commandName }
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let message = CommandSuggestion.message(for: arguments, commands: names) {
            Diagnostics.print(message)
            Diagnostics.print("See 'rtscope --help' for the commands and their options.")
            Foundation.exit(ExitCodes.usage.rawValue)
        }
        await main()
    }
}
