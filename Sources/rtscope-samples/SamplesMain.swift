import Foundation
import RealtimeSimulation

/// `rtscope-samples [--check] [DIRECTORY]`: writes the bundled sample recordings (default directory
/// `recordings`) from the simulated server and scripted clients (`SampleRecordings`), or with
/// `--check` compares the files there with what it would write and names each that differs.
///
/// Exit codes as rtscope's: 0 done (or all equal), 1 a file differs, 64 usage, 73 cannot write.
/// A maintainer's tool: it is a separate product so rtscope's command line stays the user's.
@main
struct SamplesMain {
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let check = arguments.contains("--check")
        arguments.removeAll { $0 == "--check" }
        guard arguments.count <= 1, !arguments.contains(where: { $0.hasPrefix("-") }) else {
            fail("usage: rtscope-samples [--check] [DIRECTORY]", code: 64)
        }
        let directory = arguments.first ?? "recordings"
        do {
            if check { exit(try compare(directory)) }
            for path in try SampleRecordings.write(into: directory) {
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                print("\(path) \(size) bytes")
            }
        } catch {
            fail("rtscope-samples: \(error)", code: 73)
        }
    }

    /// Writes the samples to a temporary directory and compares them byte for byte with `directory`'s.
    static func compare(_ directory: String) throws -> Int32 {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-samples-\(getpid())").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var status: Int32 = 0
        for path in try SampleRecordings.write(into: scratch) {
            let name = (path as NSString).lastPathComponent
            let committed = (directory as NSString).appendingPathComponent(name)
            guard let have = FileManager.default.contents(atPath: committed) else {
                print("\(committed): missing or unreadable (rtscope-samples writes it)")
                status = 1
                continue
            }
            if have != FileManager.default.contents(atPath: path) {
                print("\(committed): differs from what rtscope-samples writes")
                status = 1
            }
        }
        return status
    }

    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(code)
    }
}
