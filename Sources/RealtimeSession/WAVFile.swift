import Foundation
import RealtimeRecording

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A WAV file written as audio arrives: the header is written first with zero sizes and patched
/// when the file is closed, so memory holds no audio.
///
/// Formats: 16-bit PCM (format 1), G.711 μ-law (7) and A-law (6), mono or stereo. Limit: a WAV
/// data chunk holds at most 4 GiB.
final class WAVFile {
    enum Encoding: Sendable {
        case pcm16, muLaw, aLaw
        var formatTag: UInt16 {
            switch self {
            case .pcm16: 1
            case .muLaw: 7
            case .aLaw: 6
            }
        }
        var bitsPerSample: UInt16 { self == .pcm16 ? 16 : 8 }
    }

    let path: String
    let encoding: Encoding
    let rate: Int
    let channels: Int
    private let fd: Int32
    /// Where writes go when they run on another thread (nil: written here).
    private let writer: WriteBehind?
    private(set) var dataBytes = 0
    private var closed = false

    /// The size of the header before the samples.
    static let headerBytes = 44

    /// Creates `path` (replacing a file there) with a header for these parameters; with `writer`, writes run on its
    /// thread.
    /// - Throws: `AudioExportError` when the file cannot be created; `RecordingError.cannotWrite` when it cannot be written.
    init(path: String, encoding: Encoding, rate: Int, channels: Int = 1, writer: WriteBehind? = nil) throws {
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard fd >= 0 else {
            throw AudioExportError("\(path): cannot create the file: \(String(cString: strerror(errno)))")
        }
        self.path = path
        self.encoding = encoding
        self.rate = rate
        self.channels = channels
        self.fd = fd
        self.writer = writer
        do {
            try write(header(dataBytes: 0), atFileOffset: 0)
        } catch {
            _ = closeDescriptor(fd)
            throw error
        }
    }

    deinit {
        // An export that failed half-way: closed after the writes queued for it.
        guard !closed else { return }
        if let writer { try? writer.close(fd: fd, name: path) } else { _ = closeDescriptor(fd) }
    }

    /// Appends raw samples in the file's encoding.
    func append(_ bytes: [UInt8]) throws {
        try write(bytes, atFileOffset: Self.headerBytes + dataBytes)
        dataBytes += bytes.count
    }

    /// Writes `bytes` at a byte offset into the data chunk, growing the file as needed.
    func write(_ bytes: [UInt8], atDataOffset offset: Int) throws {
        try write(bytes, atFileOffset: Self.headerBytes + offset)
        dataBytes = max(dataBytes, offset + bytes.count)
    }

    /// Reads `count` bytes at a data offset (zeros past the end).
    func read(atDataOffset offset: Int, count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        try out.withUnsafeMutableBytes { try read(into: $0, atDataOffset: offset) }
        return out
    }

    /// Fills `buffer` from a data offset (after every write queued so far); past the end of the file it is left as
    /// it was.
    func read(into buffer: UnsafeMutableRawBufferPointer, atDataOffset offset: Int) throws {
        // One pread per call: Foundation's FileHandle.read(upToCount:) reads 4 KiB at a time on Linux (the mix's
        // interleave made 53,000 read calls for a 256 MiB recording).
        try writer?.drain()
        guard let base = buffer.baseAddress else { return }
        var done = 0
        while done < buffer.count {
            let n = pread(fd, base + done, buffer.count - done, off_t(Self.headerBytes + offset + done))
            if n < 0, errno == EINTR { continue }
            if n < 0 { throw AudioExportError("\(path): cannot read back: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            done += n
        }
    }

    /// Writes all of `bytes` at a file offset, here or on the writer's thread.
    private func write(_ bytes: [UInt8], atFileOffset offset: Int) throws {
        if let writer {
            try writer.write(bytes, fd: fd, at: offset, name: path)
        } else if let failure = bytes.withUnsafeBytes({ WriteBehind.writeAll($0, fd: fd, at: offset, name: path) }) {
            throw failure
        }
    }

    /// Patches the sizes into the header and closes the file (once; later calls do nothing).
    func close() throws {
        guard !closed else { return }
        closed = true
        if let writer {
            try writer.write(header(dataBytes: dataBytes), fd: fd, at: 0, name: path)
            try writer.close(fd: fd, name: path)
            return
        }
        defer { _ = closeDescriptor(fd) }
        let header = header(dataBytes: dataBytes)
        if let failure = header.withUnsafeBytes({ WriteBehind.writeAll($0, fd: fd, at: 0, name: path) }) {
            throw failure
        }
    }

    private func header(dataBytes: Int) -> [UInt8] {
        var d: [UInt8] = []
        func u32(_ v: Int) {
            withUnsafeBytes(of: UInt32(truncatingIfNeeded: v).littleEndian) { d.append(contentsOf: $0) }
        }
        func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        let blockAlign = UInt16(channels) * encoding.bitsPerSample / 8
        d.append(contentsOf: Array("RIFF".utf8))
        u32(36 + dataBytes)
        d.append(contentsOf: Array("WAVEfmt ".utf8))
        u32(16)
        u16(encoding.formatTag)
        u16(UInt16(channels))
        u32(rate)
        u32(rate * Int(blockAlign))
        u16(blockAlign)
        u16(encoding.bitsPerSample)
        d.append(contentsOf: Array("data".utf8))
        u32(dataBytes)
        return d
    }
}

/// `close(2)` (inside `WAVFile`, `close` names its method).
func closeDescriptor(_ fd: Int32) -> Int32 { close(fd) }

/// A failure to write an export, in one sentence naming the file.
public struct AudioExportError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// G.711 decoding to 16-bit linear PCM (ITU-T G.711), for the session mix.
enum G711 {
    static func muLaw(_ byte: UInt8) -> Int16 {
        let u = ~byte
        let sign = u & 0x80
        let exponent = Int((u >> 4) & 0x07)
        let mantissa = Int(u & 0x0F)
        let magnitude = ((mantissa << 3) + 0x84) << exponent - 0x84
        return Int16(sign != 0 ? -magnitude : magnitude)
    }

    static func aLaw(_ byte: UInt8) -> Int16 {
        let a = byte ^ 0x55
        let sign = a & 0x80
        let exponent = Int((a >> 4) & 0x07)
        let mantissa = Int(a & 0x0F)
        var magnitude = exponent == 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1)
        magnitude = min(magnitude, 32767)
        return Int16(sign != 0 ? magnitude : -magnitude)
    }
}
