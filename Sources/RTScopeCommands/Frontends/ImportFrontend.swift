import ArgumentParser
import Foundation
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
        let bytes: [UInt8]
        do {
            bytes = try readAll(input)
        } catch let error as RecordingError {
            throw Failure(message: error.description, exitCode: ExitCodes.cannotRead)
        }
        guard let kind = LogImporter.detect(prefix: bytes) else {
            throw Failure(
                message:
                    "\(input): not a supported log: line 1 starts no HAR file, JSON array of events or JSONL event log.",
                exitCode: ExitCodes.notARecording)
        }
        let recordings: [ImportedRecording]
        do {
            recordings = try LogImporter.importBytes(bytes, kind: kind, name: input)
        } catch let error as RecordingError {
            throw Failure(message: error.description, exitCode: ExitCodes.notARecording)
        }
        var report: [String] = []
        for (index, recording) in recordings.enumerated() {
            let path = recordings.count == 1 ? output : numbered(output, index + 1)
            if path != "-", !overwrite, FileManager.default.fileExists(atPath: path) {
                throw Failure(
                    message: "\(path): already exists; pass --force to overwrite it.", exitCode: ExitCodes.cannotWrite)
            }
            do {
                let encoded = try recording.encoded()
                if path == "-" {
                    let out = Output()
                    out.write(bytes: encoded)
                    try out.finish()
                } else {
                    try OutputFile.write(encoded, to: path)
                }
            } catch {
                throw Failure(message: "\(error)", exitCode: ExitCodes.cannotWrite)
            }
            let inferred = recording.frames.filter(\.directionInferred).count
            report.append(
                "wrote \(path): \(recording.frames.count) frames from \(kind.rawValue)"
                    + (recording.header.conn.map { " connection \($0)" } ?? "")
                    + (inferred > 0 ? ", \(inferred) with inferred direction" : "")
                    + (recording.header.imported?.timed == false ? ", no timestamps in the source" : ""))
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

    private static func readAll(_ path: String) throws -> [UInt8] {
        let source = try FileSource(path: path)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<n])
        }
    }
}
