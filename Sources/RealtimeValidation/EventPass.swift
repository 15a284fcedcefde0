public import RealtimeRecording

/// Reads a recording (or any log `rtscope import` reads) once and hands every decoded frame to a consumer, without
/// running the rules: for views that need the events but not the findings (`rtscope stats`).
///
/// Same reader and same decoding as `ValidationRun.validate` (`ReadAhead`: the reading thread frames lines and builds
/// each event's tape while the calling thread runs `consume`), so a consumer sees exactly the `ValidatorEvent` values
/// the validator would, in file order, with text messages fragmented over `cont` frames put together.
///
/// Limits and invariants:
/// - One pass; memory is that of the read-ahead queue (bounded) plus whatever the consumer keeps.
/// - `consume` runs on the calling thread only, once per frame, and has returned for every frame when `read`
///   returns.
/// - Lines the reader could not use are not lost: they are counted in `Summary.errors`, and the first is kept so
///   the caller can name its file and line (`rtscope validate` lists them all, with the reader's warnings).
public enum EventPass {
    /// What the pass saw besides the events.
    public struct Summary: Sendable {
        /// The recording's header, or `nil` for logs without one (imported event logs).
        public let header: RecordingHeader?
        /// Frames read.
        public let frames: Int
        /// The first reader issue of error severity (a line that could not be read), if any.
        public let firstError: ReaderIssue?
        /// Reader issues of error severity.
        public let errors: Int
    }

    /// Reads `path` to the end, calling `consume` with every decoded frame.
    ///
    /// - Throws: `RecordingError` when the input cannot be opened, read or imported.
    public static func read(
        path: String, readerOptions: RecordingReader.Options = .init(), consume: (ValidatorEvent) -> Void
    ) throws -> Summary {
        let opened = try RecordingInput.open(path, options: readerOptions)
        let readAhead = ReadAhead(reader: opened.reader)
        var errors = 0
        var firstError: ReaderIssue?
        while var batch = try readAhead.next() {
            for issue in batch.issues where issue.severity == .error {
                errors += 1
                if firstError == nil { firstError = issue }
            }
            // Lent from the batch's buffer (its subscript is an address): `batch.events[i]` copied each event out,
            // a retain and release of its tape and strings per event (4 % of `stats` on small events).
            batch.events.withUnsafeBufferPointer { events in
                for i in events.indices { consume(events[i]) }
            }
            readAhead.recycle(&batch)
        }
        return Summary(
            header: opened.reader.header, frames: readAhead.frames, firstError: firstError,
            errors: errors)
    }
}
