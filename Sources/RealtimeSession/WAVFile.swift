import Foundation

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
    private let handle: FileHandle
    private(set) var dataBytes = 0

    /// The size of the header before the samples.
    static let headerBytes = 44

    /// Creates `path` (replacing a file there) with a header for these parameters.
    /// - Throws: `CocoaError` when the file cannot be created.
    init(path: String, encoding: Encoding, rate: Int, channels: Int = 1) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw AudioExportError("\(path): cannot create the file")
        }
        self.path = path
        self.encoding = encoding
        self.rate = rate
        self.channels = channels
        handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try handle.write(contentsOf: header(dataBytes: 0))
    }

    /// Appends raw samples in the file's encoding.
    func append(_ bytes: [UInt8]) throws {
        try handle.write(contentsOf: Data(bytes))
        dataBytes += bytes.count
    }

    /// Writes `bytes` at a byte offset into the data chunk (for the mix), growing the file as needed.
    func write(_ bytes: [UInt8], atDataOffset offset: Int) throws {
        try handle.seek(toOffset: UInt64(Self.headerBytes + offset))
        try handle.write(contentsOf: Data(bytes))
        dataBytes = max(dataBytes, offset + bytes.count)
    }

    /// Reads `count` bytes at a data offset (zeros past the end).
    func read(atDataOffset offset: Int, count: Int) throws -> [UInt8] {
        // One pread per call: Foundation's FileHandle.read(upToCount:) reads 4 KiB at a time on Linux (the mix's
        // interleave made 53,000 read calls for a 256 MiB recording). Past the end reads as zeros (silence).
        var out = [UInt8](repeating: 0, count: count)
        let fd = handle.fileDescriptor
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return pread(fd, base + done, count - done, off_t(Self.headerBytes + offset + done))
            }
            if n < 0, errno == EINTR { continue }
            if n < 0 { throw CocoaError(.fileReadUnknown) }
            if n == 0 { break }
            done += n
        }
        return out
    }

    /// Patches the sizes into the header and closes the file.
    func close() throws {
        try handle.seek(toOffset: 0)
        try handle.write(contentsOf: header(dataBytes: dataBytes))
        try handle.close()
    }

    private func header(dataBytes: Int) -> Data {
        var d = Data()
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
