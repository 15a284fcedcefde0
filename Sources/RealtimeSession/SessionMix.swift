import Foundation

/// The session mix: one stereo 16-bit WAV at 24 kHz, user left and assistant right.
///
/// Each channel is built as its own mono file through a `MixWindow`, because the two channels'
/// writes can be far apart in time (a client that sends audio faster than real time runs ahead
/// of the answers), and a window per channel keeps each one's writes in memory; `finish`
/// interleaves the two in one sequential pass and removes them. Memory: two windows and one
/// block of the interleave, whatever the session's length.
final class SessionMix {
    let path: String
    private let channels: [WAVFile]
    private let windows: [MixWindow]

    /// Creates the channel files beside `path` (`PATH.left.tmp`, `PATH.right.tmp`).
    init(path: String) throws {
        self.path = path
        channels = try ["left", "right"].map {
            try WAVFile(path: "\(path).\($0).tmp", encoding: .pcm16, rate: 24000)
        }
        windows = channels.map { MixWindow(file: $0) }
    }

    /// Lets `body` change `count` samples of one channel from sample `first` on (16-bit
    /// little-endian, two bytes a sample).
    func modify(
        right: Bool, first: Int, count: Int, _ body: (UnsafeMutableBufferPointer<UInt8>) -> Void
    ) throws {
        try windows[right ? 1 : 0].modify(offset: first * 2, count: count * 2, body)
    }

    /// Writes the stereo file when `keep`, and removes the channel files in any case.
    func finish(keep: Bool) throws {
        defer {
            for channel in channels {
                try? channel.close()
                try? FileManager.default.removeItem(atPath: channel.path)
            }
        }
        guard keep else { return }
        for window in windows { try window.flush() }
        let stereo = try WAVFile(path: path, encoding: .pcm16, rate: 24000, channels: 2)
        let length = channels.map(\.dataBytes).max() ?? 0
        let block = 1 << 16  // small enough for malloc to reuse (larger blocks fault in fresh pages)
        var offset = 0
        while offset < length {
            let count = min(block, length - offset)
            let left = try channels[0].read(atDataOffset: offset, count: count)
            let right = try channels[1].read(atDataOffset: offset, count: count)
            var out = [UInt8](repeating: 0, count: count * 2)
            out.withUnsafeMutableBufferPointer { o in
                left.withUnsafeBufferPointer { l in
                    right.withUnsafeBufferPointer { r in
                        for k in stride(from: 0, to: count - 1, by: 2) {
                            o[k * 2] = l[k]
                            o[k * 2 + 1] = l[k + 1]
                            o[k * 2 + 2] = r[k]
                            o[k * 2 + 3] = r[k + 1]
                        }
                    }
                }
            }
            try stereo.append(out)
            offset += count
        }
        try stereo.close()
    }
}

/// One channel of the mix under construction: a window of it in memory, written to its file as
/// the window moves.
///
/// A channel's chunks land mostly in time order, so a ten-second window (480 KB of 24 kHz
/// 16-bit) takes nearly every write without a system call. A chunk outside it moves the window
/// so that the chunk starts a quarter of the way in (a response that starts before the previous
/// one finished playing stays inside): the old window is written out, the part both windows
/// share is kept in memory, and only the rest is read back (nothing past the end of the file).
/// A chunk longer than three quarters of the window is read, changed and written in place.
/// Invariant: outside the window the file holds every write made so far; inside, the buffer does.
final class MixWindow {
    static let capacity = 24000 * 2 * 10

    private let file: WAVFile
    /// Data-chunk offset of the window's first byte.
    private var base = 0
    private var buffer: [UInt8]
    /// The previous window's buffer, reused (a new 480 KB array would fault in fresh pages).
    private var spare: [UInt8]
    /// Bytes from the window's start that were written and not yet flushed.
    private var dirtyEnd = 0

    init(file: WAVFile) {
        self.file = file
        buffer = [UInt8](repeating: 0, count: Self.capacity)
        spare = buffer
    }

    /// Lets `body` change the data-chunk bytes `offset ..< offset + count`.
    func modify(offset: Int, count: Int, _ body: (UnsafeMutableBufferPointer<UInt8>) -> Void) throws {
        guard count > 0, offset >= 0 else { return }
        guard count <= Self.capacity / 4 * 3 else {
            try flush()
            var bytes = try file.read(atDataOffset: offset, count: count)
            bytes.withUnsafeMutableBufferPointer { body($0) }
            try file.write(bytes, atDataOffset: offset)
            try reload()
            return
        }
        if offset < base || offset + count > base + Self.capacity {
            try flush()
            try load(max(0, offset - Self.capacity / 4))
        }
        let start = offset - base
        buffer.withUnsafeMutableBufferPointer { all in
            body(UnsafeMutableBufferPointer(rebasing: all[start..<(start + count)]))
        }
        dirtyEnd = max(dirtyEnd, start + count)
    }

    /// Makes the window start at `newBase`, holding the file's bytes there (zeros past its end):
    /// what the old window shares with the new one is copied in memory, the rest read.
    private func load(_ newBase: Int) throws {
        let cap = Self.capacity
        let lower = max(newBase, base)
        let shared = lower..<max(lower, min(newBase + cap, base + cap))
        swap(&buffer, &spare)
        buffer.withUnsafeMutableBufferPointer { new in
            new.update(repeating: 0)
            guard !shared.isEmpty else { return }
            spare.withUnsafeBufferPointer { old in
                guard let to = new.baseAddress, let from = old.baseAddress else { return }
                (to + (shared.lowerBound - newBase)).update(
                    from: from + (shared.lowerBound - base), count: shared.count)
            }
        }
        // The parts outside the shared range that the file holds.
        let parts =
            shared.isEmpty
            ? [newBase..<(newBase + cap)] : [newBase..<shared.lowerBound, shared.upperBound..<(newBase + cap)]
        for part in parts where !part.isEmpty && part.lowerBound < file.dataBytes {
            let bytes = try file.read(atDataOffset: part.lowerBound, count: part.count)
            buffer.replaceSubrange((part.lowerBound - newBase)..<(part.upperBound - newBase), with: bytes)
        }
        base = newBase
    }

    /// Reads the whole window back from the file (after a write that went around it).
    private func reload() throws {
        buffer = try file.read(atDataOffset: base, count: Self.capacity)
    }

    /// Writes the window's changed bytes to the file.
    func flush() throws {
        guard dirtyEnd > 0 else { return }
        try file.write(Array(buffer[0..<dirtyEnd]), atDataOffset: base)
        dirtyEnd = 0
    }
}
