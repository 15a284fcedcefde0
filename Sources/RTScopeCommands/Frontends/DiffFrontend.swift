import ArgumentParser
import RealtimeProtocol
import RealtimeRecording
import RealtimeSession

/// Carries out `rtscope diff` (and each comparison of `rtscope test`): load both sides, compare,
/// render, check the `--fail-on` gates.
enum DiffFrontend {
    enum Format { case text, json, markdown }

    /// Loads one side, or says in one sentence why it cannot (exit 65 or 66).
    static func load(_ path: String) throws -> DiffSide {
        do {
            let side = try DiffSide.load(path)
            if side.model.clientEvents + side.model.serverEvents == 0 {
                Diagnostics.print(
                    "rtscope diff: \(path) holds no events, so everything on the other side shows as a difference.")
            }
            return side
        } catch let error as RecordingError {
            Diagnostics.print("rtscope: \(error)")
            throw ExitCodes.code(for: error)
        }
    }

    /// The gates that fail on `diff`, with the entries that break each.
    static func failures(_ diff: SessionDiff, _ gates: [DiffGate]) -> [DiffGate: [DiffEntry]] {
        var failed: [DiffGate: [DiffEntry]] = [:]
        for gate in gates {
            let broken = gate.violations(in: diff)
            if !broken.isEmpty { failed[gate] = broken }
        }
        return failed
    }

    /// - Returns: whether a gate failed (each failing gate is named on standard error).
    static func run(a: String, b: String, format: Format, gates: [DiffGate], out: Output) throws -> Bool {
        let diff = SessionDiff(try load(a), try load(b))
        let failed = failures(diff, gates)
        switch format {
        case .text: out.write(DiffRenderer.text(diff))
        case .markdown: out.write(DiffRenderer.markdown(diff))
        case .json: out.write(try DiffRenderer.json(diff, failed: failed))
        }
        for gate in gates where failed[gate] != nil {
            let n = failed[gate]?.count ?? 0
            Diagnostics.print("rtscope diff: FAILED \(gate): \(Plural.count(n, "difference")).")
        }
        return !failed.isEmpty
    }
}
