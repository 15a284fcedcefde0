import ArgumentParser
import Foundation
import RealtimeProtocol
import RealtimeRecording

/// Carries out `rtscope import`: detect, convert, write.
enum ImportFrontend {
    struct Failure: Error {
        let message: String
        let exitCode: ExitCode
    }

    /// Converts `input` and writes the recordings; returns one report line per file written
    /// (and per skipped item).
    static func run(input: String, output: String, overwrite: Bool) throws -> [String] {
        let found: (kind: LogImporter.Kind?, recordings: [ImportedRecording])
        do {
            // Written straight to the output when it may be replaced (see ImportOutput); else spooled, then written.
            let direct = overwrite || !FileManager.default.fileExists(atPath: output) ? ImportOutput(path: output) : nil
            found = try LogImporter.importFile(input, output: direct)
        } catch let error as RecordingError {
            throw Failure(message: error.description, exitCode: ExitCodes.code(for: error))
        }
        guard let kind = found.kind else {
            throw Failure(
                message:
                    "\(input): not a supported log: line 1 starts no HAR file, JSON array of events or JSONL event log.",
                exitCode: ExitCodes.notARecording)
        }
        guard kind != .recording else {
            throw Failure(
                message: "\(input): cannot import: it is already an rtscope recording.",
                exitCode: ExitCodes.notARecording)
        }
        let recordings = found.recordings
        var report: [String] = []
        for (index, recording) in recordings.enumerated() {
            let path = recordings.count == 1 ? output : numbered(output, index + 1)
            if path != "-", !overwrite, FileManager.default.fileExists(atPath: path) {
                throw Failure(
                    message: "\(path): already exists; pass --force to overwrite it.", exitCode: ExitCodes.cannotWrite)
            }
            do {
                if path == "-" {
                    try recording.write(toDescriptor: 1, name: "standard output")
                } else {
                    try recording.write(to: path)
                }
            } catch {
                throw Failure(message: "\(error)", exitCode: ExitCodes.cannotWrite)
            }
            let inferred = recording.inferredCount
            var line = "wrote \(path): \(Plural.count(recording.frameCount, "frame")) from \(kind.rawValue)"
            if let conn = recording.header.conn { line += " connection \(conn)" }
            if inferred > 0 { line += ", \(inferred) with inferred direction" }
            if recording.header.imported?.timed == false { line += ", no timestamps in the source" }
            report.append(line)
            report += recording.warnings.map { "\(input): warning: \($0)" }
        }
        return report
    }

    /// `out.jsonl` → `out.2.jsonl`.
    static func numbered(_ path: String, _ n: Int) -> String {
        guard path != "-" else { return path }
        let ext = (path as NSString).pathExtension
        let stem = ext.isEmpty ? path : String(path.dropLast(ext.count + 1))
        return ext.isEmpty ? "\(stem).\(n)" : "\(stem).\(n).\(ext)"
    }
}
