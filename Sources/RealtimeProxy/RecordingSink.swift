import Foundation
import RealtimeRecording

/// Where a recorded frame's line is: its file (nil when nothing is written to disk) and its
/// 1-based line in that file (the header is line 1, so the first frame of every part is line 2).
public struct LineLocation: Sendable, Hashable {
    public let path: String?
    public let line: Int

    public init(path: String?, line: Int) {
        self.path = path
        self.line = line
    }
}

/// Writes one connection's frames as recording lines, rotating to a new part when one is full, and
/// knows the real line of every frame across parts.
///
/// Invariants: lines are written in `append` order; a part holds whole lines only (rotation happens
/// between two frames, after the line that filled the part); with `holdLines()` lines wait in memory
/// until `flush()` (one `write(2)` per burst), else each `append` writes its line before it returns.
/// Confined to one thread at a time (the relay's event loop); it does no validation and no output.
final class RecordingSink {
    private var writer: RecordingWriter?
    private let header: RecordingHeader
    /// Start a new part once a file holds this many bytes (nil: one file per connection).
    private let rotateBytes: Int64?
    /// Every file written, in order.
    private(set) var paths: [String] = []
    private var holding = false
    /// Frame lines in the current part so far (without a file: in the whole connection).
    private var linesInPart = 0

    /// Creates the recording at `path` (nil: number lines as if one file were written, write nothing).
    /// - Throws: `RecordingError` when the file cannot be created.
    init(path: String?, header: RecordingHeader, rotateBytes: Int64?) throws {
        self.header = header
        self.rotateBytes = rotateBytes
        writer = try path.map { try RecordingWriter(path: $0, header: header) }
        paths = path.map { [$0] } ?? []
    }

    /// Appends `frame` (its payload read from `payload`) as one line; returns where the line is and
    /// whether its payload was embedded as JSON (hence already known to be valid JSON).
    /// - Throws: `RecordingError` when the line or a new part cannot be written.
    func append(_ frame: Frame, payload: UnsafeRawBufferPointer) throws -> (LineLocation, embeddedJSON: Bool) {
        guard let current = writer else { return (LineLocation(path: nil, line: frame.seq + 1), false) }
        try current.append(frame, payload: payload)
        linesInPart += 1
        let location = LineLocation(path: paths.last, line: linesInPart + 1)
        let embedded = current.lastFrameWasJSON
        if let rotateBytes, current.bytesWritten >= rotateBytes { try rotate() }
        return (location, embedded)
    }

    /// Continues the recording in a new file (`NAME.2.jsonl`, …) whose header names the part before.
    private func rotate() throws {
        guard let first = paths.first else { return }
        let stem = first.hasSuffix(".jsonl") ? String(first.dropLast(6)) : first
        let next = "\(stem).\(paths.count + 1).jsonl"
        var partHeader = header
        partHeader.part = paths.count + 1
        partHeader.previous = ((paths.last ?? first) as NSString).lastPathComponent
        try writer?.flush()
        let nextWriter = try RecordingWriter(path: next, header: partHeader)
        nextWriter.holdsLines = holding
        writer = nextWriter
        paths.append(next)
        linesInPart = 0
    }

    /// Holds lines in memory until `flush()`, in this and every later part.
    func holdLines() {
        holding = true
        writer?.holdsLines = true
    }

    /// Writes the lines held since the last flush.
    /// - Throws: `RecordingError` when the file cannot be written.
    func flush() throws { try writer?.flush() }

    /// Writes what is held and closes the file; later `append`s write nothing.
    func close() {
        try? writer?.flush()
        writer = nil
    }
}
