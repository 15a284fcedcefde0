import Foundation

/// How to type `rtscope` so that a printed hint runs as shown.
///
/// After `swift build` the binary is not on `PATH`, so a hint that says `rtscope view x.jsonl`
/// fails with "command not found". Hints use the bare name only when `PATH` finds this very
/// binary; otherwise the path it was started by, relative to the working directory when it lies
/// below it (`.build/debug/rtscope`).
enum Invocation {
    /// The command word for hints: `rtscope`, `.build/release/rtscope` or an absolute path.
    static var program: String {
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let typed = CommandLine.arguments.first ?? me
        let env = ProcessInfo.processInfo.environment
        return program(
            executable: me, typed: typed.contains("/") ? typed : me, path: env["PATH"] ?? "",
            cwd: FileManager.default.currentDirectoryPath)
    }

    /// - Parameters:
    ///   - executable: this binary's resolved path.
    ///   - typed: the path it was started by (argv[0]) when that has a slash, else `executable`.
    static func program(executable: String, typed: String, path: String, cwd: String) -> String {
        for dir in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent("rtscope")
            if candidate.resolvingSymlinksInPath().path == executable { return "rtscope" }
        }
        let base = cwd.hasSuffix("/") ? cwd : cwd + "/"
        let shown = typed.hasPrefix(base) ? String(typed.dropFirst(base.count)) : typed
        // A relative path needs a slash to run (`./rtscope`), and spaces need quotes.
        let runnable = shown.contains("/") ? shown : "./" + shown
        return runnable.contains(" ") ? "'\(runnable)'" : runnable
    }
}
