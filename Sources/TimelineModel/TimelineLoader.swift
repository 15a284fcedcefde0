import Foundation
import RealtimeProtocol
public import RealtimeRecording

extension FileEventStore {
    /// Opens what `rtscope view` was given as a store: a recording (held open as it is), `-` (standard input) or a
    /// pipe (copied to a private temporary file first), or a log that `rtscope import` reads (imported into a private
    /// temporary file first, streamed: memory stays at one item of the log, whatever its size).
    ///
    /// - Throws: `RecordingError.cannotOpen`/`.cannotRead` naming `path`, `.notARecording` when its first bytes hold
    ///   neither a recording nor a supported log, `.cannotWrite` when a temporary copy cannot be written.
    public static func recording(_ path: String) throws -> FileEventStore {
        let file = try FileEventStore.open(path)
        var prefix = [UInt8](repeating: 0, count: RecordingInput.sniffBytes)
        let sniffed = try prefix.withUnsafeMutableBytes { try file.read(into: $0, at: 0) }
        prefix.removeSubrange(sniffed...)
        let kind = LogImporter.detect(prefix: prefix, complete: sniffed < RecordingInput.sniffBytes)
        if kind == nil, !RecordingInput.holdsRecordingLines(prefix) {
            throw RecordingError.notARecording(
                path: path,
                detail: "from line 1 on, its first \(sniffed) bytes hold no recording header, frame or event")
        }
        guard let kind, kind != .recording else { return file }
        // Events are read back by offset, so an import gets a file of its own.
        let recordings = try LogImporter.importSource(file.byteSource(), kind: kind, name: path)
        return try FileEventStore.holding(recordings, name: path)
    }
}

extension TimelineSource {
    /// Opens `path` as a store (`FileEventStore.recording`) and indexes and validates its first `firstBytes` in one
    /// pass (the rest comes through `refresh`).
    ///
    /// With `follow`, a partial last line is left for `refresh()` and the end-of-session checks are not run.
    /// - Throws: `RecordingError` when the file cannot be read or imported.
    public static func load(_ path: String, follow: Bool = false, firstBytes: Int = TimelineSource.firstBytes) throws
        -> TimelineSource
    {
        try TimelineSource(store: FileEventStore.recording(path), following: follow, firstBytes: firstBytes)
    }
}
