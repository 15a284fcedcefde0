import Foundation
import RealtimeRecording

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The session mix: one stereo 16-bit WAV at 24 kHz, user left and assistant right, written as it is built.
///
/// Each channel has a ring of `capacity` bytes (a minute of audio) over its mono byte offsets `base ..< base +
/// capacity`; below its base a channel's samples are in the file, past the ring's end it has written nothing. A
/// write past a ring's end moves that ring on, block by block: when the other channel's ring starts at the same
/// place and that channel has written past the block, both rings' block is interleaved and written once (the usual
/// case: the channels keep within a minute of each other); when the other channel lags behind, the block is written
/// with silence on the other side, and the lagging channel later reads those stereo bytes back, sets its own
/// samples and writes them again (a client that sends audio faster than real time, or answers that run ahead of
/// the clock). A write below a channel's base (a cut silenced at the end) is read, changed and written back in
/// place. So the channels' chunks, which land mostly in time order, cost no system call of their own, and there are
/// no per-channel files. Memory: the two rings and one block, plus one chunk's range for a write below a base,
/// whatever the session's length.
///
/// The file is built as `PATH.tmp` and renamed to `PATH` when kept, so an export that keeps no mix leaves a mix from
/// an earlier export in place.
final class SessionMix {
    /// Bytes of one channel held in memory: 60 s of 16-bit samples at 24 kHz (even, so no sample straddles the ring's
    /// end).
    static let capacity = 24000 * 2 * 60
    /// Mono bytes interleaved and written at a time (at most).
    static let block = 1 << 18

    let path: String
    private let file: WAVFile
    private let capacity: Int
    /// One ring per channel, owned here (freed by `deinit`).
    ///
    /// Mono byte offset `o` in `base[c] ..< base[c] + capacity` is at `o % capacity`.
    private let rings: [UnsafeMutableBufferPointer<UInt8>]
    /// Per channel, the mono byte offset below which its samples are in the file.
    private var base = [0, 0]
    /// Per channel, the end of its furthest write.
    private var frontier = [0, 0]
    /// Mono bytes of the longer channel: the end of the furthest write.
    var length: Int { max(frontier[0], frontier[1]) }

    /// Creates `PATH.tmp` for the mix (`capacity`: a channel's ring in bytes, even; smaller in tests), written on
    /// `writer`'s thread when given.
    init(path: String, capacity: Int = SessionMix.capacity, writer: WriteBehind? = nil) throws {
        precondition(capacity > 0 && capacity % 2 == 0)
        self.path = path
        self.capacity = capacity
        file = try WAVFile(path: path + ".tmp", encoding: .pcm16, rate: 24000, channels: 2, writer: writer)
        rings = (0..<2).map { _ in
            let ring = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: capacity)
            ring.initialize(repeating: 0)
            return ring
        }
    }

    deinit {
        for ring in rings { ring.deallocate() }
    }

    /// Lets `body` change `count` samples of one channel from sample `first` on (16-bit
    /// little-endian, two bytes a sample).
    func modify(
        right: Bool, first: Int, count: Int, _ body: (UnsafeMutableBufferPointer<UInt8>) -> Void
    ) throws {
        try modify(channel: right ? 1 : 0, offset: first * 2, count: count * 2, body)
    }

    /// Lets `body` change one channel's mono bytes `offset ..< offset + count` (both even).
    func modify(
        channel c: Int, offset: Int, count: Int, _ body: (UnsafeMutableBufferPointer<UInt8>) -> Void
    ) throws {
        guard count > 0, offset >= 0 else { return }
        let end = offset + count
        frontier[c] = max(frontier[c], end)
        if end > base[c] + capacity {
            // Move on by at least a block (fewer, larger writes), but not past this write's start when it fits.
            try advance(c, to: max(end - capacity, min(offset, base[c] + Self.block)), final: false)
        }
        let ring = rings[c]
        if offset >= base[c] {
            let start = offset % capacity
            if start + count <= capacity {
                body(UnsafeMutableBufferPointer(rebasing: ring[start..<(start + count)]))
                return
            }
        }
        // Across the ring's end or below the base: gathered, changed, put back.
        var bytes = [UInt8](repeating: 0, count: count)
        let inFile = max(0, min(end, base[c]) - offset)
        var stereo = [UInt8](repeating: 0, count: inFile * 2)
        if inFile > 0 {
            try stereo.withUnsafeMutableBytes { try file.read(into: $0, atDataOffset: offset * 2) }
            for k in stride(from: 0, to: inFile, by: 2) {
                bytes[k] = stereo[k * 2 + c * 2]
                bytes[k + 1] = stereo[k * 2 + c * 2 + 1]
            }
        }
        for k in inFile..<count { bytes[k] = ring[(offset + k) % capacity] }
        bytes.withUnsafeMutableBufferPointer { body($0) }
        if inFile > 0 {
            for k in stride(from: 0, to: inFile, by: 2) {
                stereo[k * 2 + c * 2] = bytes[k]
                stereo[k * 2 + c * 2 + 1] = bytes[k + 1]
            }
            try file.write(stereo, atDataOffset: offset * 2)
        }
        for k in inFile..<count { ring[(offset + k) % capacity] = bytes[k] }
    }

    /// Moves channel `c`'s ring on to `target`, writing what leaves it (with the other channel's block when that one
    /// starts there and has written past it, or `final`), and zeroing the slots it frees.
    private func advance(_ c: Int, to target: Int, final: Bool) throws {
        let o = 1 - c
        while base[c] < target {
            let x = base[c]
            let start = x % capacity
            var n = min(Self.block, target - x, capacity - start)
            if x < base[o] { n = min(n, base[o] - x) }
            let mine = UnsafeMutableBufferPointer(rebasing: rings[c][start..<(start + n)])
            // A silent block needs no write unless it is the other's too: this channel's side of the file is still
            // silence there (past a base, only silence is ever written on a channel's side).
            if x < base[o] {
                if Self.isSilent(mine) {
                    base[c] = x + n
                    continue
                }
                // The other channel's samples here are in the file: read them, set ours, write back.
                var stereo = try file.read(atDataOffset: x * 2, count: n * 2)
                stereo.withUnsafeMutableBufferPointer { s in
                    for k in stride(from: 0, to: n, by: 2) {
                        s[k * 2 + c * 2] = mine[k]
                        s[k * 2 + c * 2 + 1] = mine[k + 1]
                    }
                }
                try file.write(stereo, atDataOffset: x * 2)
            } else {
                // Both rings' block when the other's starts here and it is done with it; else silence on its side.
                let joint = base[o] == x && (final || frontier[o] >= x + n)
                if !joint && Self.isSilent(mine) {
                    base[c] = x + n
                    continue
                }
                let theirs = joint ? UnsafeMutableBufferPointer(rebasing: rings[o][start..<(start + n)]) : nil
                let out = [UInt8](unsafeUninitializedCapacity: 2 * n) { s, initialized in
                    Self.interleave(
                        left: c == 0 ? mine : theirs, right: c == 0 ? theirs : mine, into: s, samples: n / 2)
                    initialized = 2 * n
                }
                try file.write(out, atDataOffset: x * 2)
                if let theirs {
                    theirs.update(repeating: 0)
                    base[o] = x + n
                }
            }
            mine.update(repeating: 0)
            base[c] = x + n
        }
    }

    /// Interleaves `samples` 16-bit samples of two channels (nil: silence) into `out`, four bytes a frame.
    private static func interleave(
        left: UnsafeMutableBufferPointer<UInt8>?, right: UnsafeMutableBufferPointer<UInt8>?,
        into out: UnsafeMutableBufferPointer<UInt8>, samples: Int
    ) {
        guard let o = out.baseAddress else { return }
        // As 16-bit words: a frame is the left sample's two bytes, then the right's.
        let frames = UnsafeMutableRawPointer(o).assumingMemoryBound(to: UInt16.self)
        func words(_ b: UnsafeMutableBufferPointer<UInt8>?) -> UnsafePointer<UInt16>? {
            b?.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: UInt16.self) }
        }
        switch (words(left), words(right)) {
        case (let l?, let r?):
            for k in 0..<samples {
                frames[k * 2] = l[k]
                frames[k * 2 + 1] = r[k]
            }
        case (let l?, nil):
            for k in 0..<samples {
                frames[k * 2] = l[k]
                frames[k * 2 + 1] = 0
            }
        case (nil, let r?):
            for k in 0..<samples {
                frames[k * 2] = 0
                frames[k * 2 + 1] = r[k]
            }
        case (nil, nil):
            out.update(repeating: 0)
        }
    }

    /// Whether every byte of `bytes` is zero.
    private static func isSilent(_ bytes: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        guard let p = bytes.baseAddress, !bytes.isEmpty else { return true }
        return p[0] == 0 && memcmp(p, p + 1, bytes.count - 1) == 0
    }

    /// Writes the rest of the mix and renames it to `path` when `keep`; removes it otherwise.
    func finish(keep: Bool) throws {
        var renamed = false
        defer {
            try? file.close()
            if !renamed { try? FileManager.default.removeItem(atPath: file.path) }
        }
        guard keep else { return }
        let end = length
        // The channel behind first, up to the other's base; then both together.
        let behind = base[0] <= base[1] ? 0 : 1
        try advance(behind, to: min(end, base[1 - behind]), final: true)
        try advance(0, to: end, final: true)
        try advance(1, to: end, final: true)
        if file.dataBytes < end * 2 {  // silence at the end was skipped: the file still ends where the mix does
            try file.write([0, 0, 0, 0], atDataOffset: end * 2 - 4)
        }
        try file.close()
        if rename(file.path, path) != 0 {
            throw AudioExportError("\(path): cannot write: \(String(cString: strerror(errno)))")
        }
        renamed = true
    }
}
