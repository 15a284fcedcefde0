import Foundation
import RealtimeProtocol
import RealtimeRecording
import RealtimeSession
import Testing

@testable import TimelineModel

/// A temporary file (removed by the caller) holding `text`.
func temporaryFile(_ text: String, name: String = "recording") throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-hard-\(UUID())-\(name).jsonl")
        .path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

func sampleText(_ name: String) throws -> String { try String(contentsOfFile: Paths.sample(name), encoding: .utf8) }

/// Renders `model` after each of `keys`, checking every screen: rows exactly `width` cells, nothing thrown.
@discardableResult
func renderAll(_ model: inout TimelineModel, keys: String) -> [ScreenBuffer] {
    var screens = [TimelineView.render(model)]
    for key in Key.script(keys) {
        model.press(key)
        screens.append(TimelineView.render(model))
    }
    return screens
}

struct OddTimesTests {
    /// `cat a.jsonl b.jsonl`: t_us starts again in the middle (the ruler indexed out of range: SIGILL).
    @Test func concatenatedRecordingsRenderOnEveryRow() throws {
        let path = try temporaryFile(try sampleText("barge-in.jsonl") + sampleText("errors.jsonl"))
        defer { unlink(path) }
        for (width, height) in [(100, 30), (80, 24), (140, 40)] {
            var m = TimelineModel(source: try TimelineSource.load(path), width: width, height: height)
            #expect(m.source.index.entries.count == 69 + 33)
            let screens = renderAll(&m, keys: String(repeating: "j", count: m.rows.count) + "G<space>.")
            #expect(
                screens.allSatisfy { $0.text.split(separator: "\n", omittingEmptySubsequences: false).count == height })
            #expect(m.source.ruler(width: width).count == width)
        }
    }

    /// Hand-made: t_us at the extremes of Int64, negative, and going back (differences overflow Int64).
    @Test func extremeTimesRenderAndReplay() throws {
        let times: [Int64] = [0, .max, .min, -5, 1_000, .max - 1, .min + 1]
        var lines = [#"{"format":"rtscope-recording","version":1,"created":"x","tool":"t","source":"synthetic"}"#]
        for (k, t) in times.enumerated() {
            lines.append(
                #"{"seq":\#(k + 1),"t_us":\#(t),"dir":"s2c","op":"text","event":{"type":"response.text.delta","event_id":"e\#(k)","response_id":"r","item_id":"i","output_index":0,"content_index":0,"delta":"x"}}"#
            )
        }
        let path = try temporaryFile(lines.joined(separator: "\n") + "\n")
        defer { unlink(path) }
        var m = TimelineModel(source: try TimelineSource.load(path), width: 100, height: 30)
        #expect(m.source.timeRange?.upperBound == .max)
        #expect((m.source.timeRange?.lowerBound ?? 0) <= .min + 1)
        renderAll(&m, keys: "zjjjjjjjGgz<space>")
        m.tick(elapsedUs: .max)
        m.tick(elapsedUs: 1_000_000)
        for i in m.source.index.entries.indices { #expect((0..<100).contains(m.source.rulerColumn(i, width: 100))) }
    }
}

struct OddScreensTests {
    /// Curses can report any size (even 0×0 or 1×1); nothing may trap, whatever is open.
    @Test(arguments: [(0, 0), (1, 1), (2, 3), (7, 4), (20, 6), (39, 9), (40, 10)])
    func tinyScreensRender(_ size: (Int, Int)) throws {
        for name in ["barge-in.jsonl", "errors.jsonl"] {
            var m = try model(name, width: size.0, height: size.1)
            renderAll(&m, keys: "jjj?<esc>c<tab>jj<tab>G/resp<enter>fclient<enter>")
            m.resize(width: size.0, height: size.1)
            #expect(TimelineView.render(m).width == max(1, size.0))
        }
    }

    /// Widgets compute segments from the screen size; an empty or reversed one draws nothing.
    @Test func reversedAndOutOfRangeFillsDrawNothing() {
        var buffer = ScreenBuffer(width: 10, height: 2)
        buffer.fill(y: 0, from: 6, to: 2, style: .reverse)
        buffer.fill(y: 1, from: 12, to: 20, style: .reverse)
        buffer.fill(y: 5, style: .reverse)
        #expect(buffer.cells.allSatisfy { $0 == .blank })
    }

    @Test func emptyAndHeaderOnlyFilesRender() throws {
        for text in [
            "", #"{"format":"rtscope-recording","version":1,"created":"x","tool":"t","source":"synthetic"}"# + "\n",
        ] {
            let path = try temporaryFile(text)
            defer { unlink(path) }
            var m = TimelineModel(source: try TimelineSource.load(path), width: 100, height: 30)
            let screens = renderAll(&m, keys: "jkGg<space>.,ewrzc<tab>?")
            #expect(screens[0].text.contains(" · 0 ev"))
        }
    }
}

struct VanishingFileTests {
    static func partlyLoaded() throws -> (String, TimelineSource) {
        let path = try temporaryFile(try sampleText("errors.jsonl"))
        let source = try TimelineSource.load(path, firstBytes: 300)
        #expect(!source.caughtUp)
        return (path, source)
    }

    /// The source keeps reading the file it opened: deleting the path loses nothing.
    @Test func aFileDeletedWhileLoadingIsReadWhole() throws {
        let (path, source) = try Self.partlyLoaded()
        unlink(path)
        try source.readToEnd()
        #expect(source.index.entries.count == 33)
        let m = TimelineModel(source: source, width: 100, height: 30)
        #expect(TimelineView.render(m).text.contains("session.created"))
    }

    /// Replacing the path (an editor's save, `mv new old`) does not mix two files.
    @Test func aFileReplacedWhileLoadingIsReadWhole() throws {
        let (path, source) = try Self.partlyLoaded()
        defer { unlink(path) }
        let other = try temporaryFile(try sampleText("text-in-text-out.jsonl"))
        #expect(rename(other, path) == 0)
        try source.readToEnd()
        #expect(source.index.entries.count == 33)
        #expect(source.index.issues.isEmpty)
    }

    /// Rewritten in place (`> file`): one sentence naming the file, never a busy loop or a silent fraction.
    @Test func aFileTruncatedWhileLoadingIsAnError() throws {
        let (path, source) = try Self.partlyLoaded()
        defer { unlink(path) }
        #expect(truncate(path, 100) == 0)
        #expect {
            try source.readToEnd()
        } throws: { error in
            guard case .cannotRead(let name, let reason)? = error as? RecordingError else { return false }
            return name == path && reason.contains("shrank")
        }
    }

    /// A followed file whose last line is still being written: reading "to the end" stops before it.
    @Test func readingAFollowedFileEndsAtItsPartialLastLine() throws {
        let text = try sampleText("errors.jsonl")
        let path = try temporaryFile(String(text.dropLast(40)))
        defer { unlink(path) }
        let source = try TimelineSource.load(path, follow: true, firstBytes: 300)
        for _ in 0..<100 where !source.caughtUp { _ = try source.refresh() }
        #expect(source.caughtUp)
        #expect(source.index.entries.count == 32)
    }
}

struct StreamInputTests {
    /// A FIFO (what `<(cat f)` is) is copied to a private temporary file, then read like the file itself.
    @Test func aFIFOIsReadWhole() throws {
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("rtscope-fifo-\(UUID())").path
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        let bytes = Array(try sampleText("errors.jsonl").utf8)
        let writer = Thread {
            let fd = open(fifo, O_WRONLY)
            guard fd >= 0 else { return }
            bytes.withUnsafeBytes { _ = write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        writer.start()
        let source = try TimelineSource.load(fifo)
        let file = try TimelineSource.load(Paths.sample("errors.jsonl"))
        #expect(source.index.entries == file.index.entries)
        #expect(source.findings == file.findings)
        #expect(source.name == fifo)
        let m = TimelineModel(source: source, width: 100, height: 30)
        #expect(TimelineView.render(m).text.contains("session.created model=gpt-4o-realtime-preview"))
    }
}

struct DeepSnapshotTests {
    /// The first conversation query far into a long file.
    ///
    /// The old replay built snapshots with one nested call each (a stack overflow on a large file); the session model
    /// answers from its log. Hand-made: 40 000 small events.
    @Test func aFirstJumpToTheEndOfALongFileDoesNotNest() throws {
        var text = #"{"format":"rtscope-recording","version":1,"created":"x","tool":"t","source":"synthetic"}"# + "\n"
        for k in 0..<40_000 {
            text +=
                #"{"seq":\#(k + 1),"t_us":\#(k),"dir":"s2c","op":"text","event":{"type":"rate_limits.updated","event_id":"e\#(k)","rate_limits":[]}}"#
                + "\n"
        }
        let path = try temporaryFile(text)
        defer { unlink(path) }
        let source = try TimelineSource.load(path)
        try source.readToEnd()
        #expect(source.conversation(at: 39_999).items.isEmpty)
    }
}
