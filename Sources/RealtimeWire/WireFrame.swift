public import NIOCore

/// One WebSocket frame as it came off the wire (RFC 6455 §5.2): its bytes, untouched, and what its
/// header says.
///
/// The opcode is kept as its four bits (`opcode`), so this module needs nothing of NIO but
/// `ByteBuffer`; the relay reads it as NIO's `WebSocketOpcode`.
///
/// The relay forwards the upstream's frames as `bytes` are, so a frame costs no decoding into NIO's
/// `WebSocketFrame` and no re-encoding; a client's frames get a fresh masking key on their way
/// (`remasked`, one pass), and only the recording needs the payload unmasked (`unmaskedPayload`).
/// Frames the proxy makes itself (close frames, a masked frame to the client) come from `make`.
///
/// Invariant: `bytes` holds exactly one whole frame whose header is `headerLength` bytes; only this
/// module makes values (`WireFrameDecoder`, `make`, `remasked`), so it always holds.
public struct WireFrame: Sendable {
    /// The whole frame, header first.
    public var bytes: ByteBuffer
    public let fin: Bool
    /// The reserved bits RSV1–3 as the first byte holds them (`0x70` at most).
    public let rsv: UInt8
    /// The opcode's four bits (`0x1` text, `0x2` binary, `0x0` continuation, `0x8` close, `0x9` ping, `0xA` pong).
    public let opcode: UInt8
    /// The masking key, first byte lowest (the key's bytes in memory order on a little-endian machine);
    /// nil when the payload is not masked.
    public let maskWord: UInt32?
    /// Bytes before the payload: 2, 4 or 10, plus 4 with a masking key.
    public let headerLength: Int

    init(bytes: ByteBuffer, fin: Bool, rsv: UInt8, opcode: UInt8, maskWord: UInt32?, headerLength: Int) {
        self.bytes = bytes
        self.fin = fin
        self.rsv = rsv
        self.opcode = opcode
        self.maskWord = maskWord
        self.headerLength = headerLength
    }

    public var payloadLength: Int { bytes.readableBytes - headerLength }

    /// The payload without its mask: a slice of `bytes` when it is not masked, else `scratch`
    /// (cleared and reused, so a caller that drops the result before the next call allocates nothing).
    public func unmaskedPayload(scratch: inout ByteBuffer) -> ByteBuffer {
        let (offset, count) = (bytes.readerIndex + headerLength, payloadLength)
        guard let maskWord else { return bytes.getSlice(at: offset, length: count) ?? ByteBuffer() }
        scratch.clear(minimumCapacity: count)
        scratch.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { target in
            bytes.withUnsafeReadableBytes { all in
                let payload = UnsafeRawBufferPointer(rebasing: all[headerLength..<(headerLength + count)])
                WireMask.xor(from: payload, into: target.baseAddress, word: maskWord)
            }
            return count
        }
        return scratch
    }

    /// This frame masked with `maskWord` instead of its own key (or none): one pass over the payload
    /// into a new buffer, the header written again.
    public func remasked(with newWord: UInt32, allocator: ByteBufferAllocator) -> WireFrame {
        let count = payloadLength
        var out = allocator.buffer(capacity: 14 + count)
        let header = Self.writeHeader(
            fin: fin, rsv: rsv, opcode: opcode, length: count, maskWord: newWord, into: &out)
        let word = (maskWord ?? 0) ^ newWord  // removes the old key and applies the new one at once
        out.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { target in
            bytes.withUnsafeReadableBytes { all in
                let payload = UnsafeRawBufferPointer(rebasing: all[headerLength..<(headerLength + count)])
                WireMask.xor(from: payload, into: target.baseAddress, word: word)
            }
            return count
        }
        return WireFrame(bytes: out, fin: fin, rsv: rsv, opcode: opcode, maskWord: newWord, headerLength: header)
    }

    /// A frame carrying `payload` (given unmasked), masked with `maskWord` when one is given (every
    /// frame to an upstream must be masked; none to a client may be).
    public static func make(
        fin: Bool = true, rsv: UInt8 = 0, opcode: UInt8, payload: ByteBuffer, maskWord: UInt32?,
        allocator: ByteBufferAllocator
    ) -> WireFrame {
        let count = payload.readableBytes
        var out = allocator.buffer(capacity: 14 + count)
        let header = writeHeader(fin: fin, rsv: rsv, opcode: opcode, length: count, maskWord: maskWord, into: &out)
        out.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { target in
            payload.withUnsafeReadableBytes { source in
                if let maskWord {
                    WireMask.xor(from: source, into: target.baseAddress, word: maskWord)
                } else if let base = source.baseAddress, count > 0 {
                    target.baseAddress?.copyMemory(from: base, byteCount: count)
                }
            }
            return count
        }
        return WireFrame(
            bytes: out, fin: fin, rsv: rsv & 0x70, opcode: opcode & 0x0F, maskWord: maskWord, headerLength: header)
    }

    /// Writes a frame header (with the masking key when there is one); returns its length.
    @discardableResult
    public static func writeHeader(
        fin: Bool, rsv: UInt8, opcode: UInt8, length: Int, maskWord: UInt32?, into out: inout ByteBuffer
    ) -> Int {
        let start = out.writerIndex
        out.writeInteger((opcode & 0x0F) | (fin ? 0x80 : 0) | (rsv & 0x70))
        let maskBit: UInt8 = maskWord == nil ? 0 : 0x80
        if length < 126 {
            out.writeInteger(UInt8(length) | maskBit)
        } else if length <= Int(UInt16.max) {
            out.writeInteger(126 | maskBit)
            out.writeInteger(UInt16(length))
        } else {
            out.writeInteger(127 | maskBit)
            out.writeInteger(UInt64(length))
        }
        if let maskWord { out.writeInteger(maskWord, endianness: .little) }  // the key's bytes in order
        return out.writerIndex - start
    }
}

/// Splits what one side sends into whole frames, in order, without copying them when a read holds
/// whole frames (each frame is a slice of the bytes read).
///
/// Limits and invariants:
/// - A frame whose payload is over `maxFrameSize` bytes is refused as soon as its header is in,
///   before its payload is held: `next()` says `.tooLarge` once and the decoder takes nothing more.
///   So it holds at most one frame under the limit, its header and one read beyond it.
/// - It checks only what framing needs (lengths). Opcodes, reserved bits and the rules for control
///   frames are not judged: the frame goes on as it came, and the peer answers it as it would have.
/// - Bytes are never dropped while the decoder takes input: what `append` got comes out of `next()`
///   as frames, in order, or stays held until the rest of its frame arrives.
public struct WireFrameDecoder: Sendable {
    public enum Next: Sendable {
        case frame(WireFrame)
        /// No whole frame is held.
        case needMore
        /// The frame being read is over the limit; nothing more will come out.
        case tooLarge
    }

    public let maxFrameSize: Int
    private var held: ByteBuffer?
    /// A frame over the limit was seen: the decoder takes and gives nothing more.
    public private(set) var refused = false

    public init(maxFrameSize: Int) { self.maxFrameSize = maxFrameSize }

    /// Bytes read from the connection, after those appended before.
    ///
    /// A frame that spans reads is put together in a buffer of its own, sized for the whole frame
    /// once its header is in: growing the read buffer instead would copy it at every doubling, and
    /// that buffer may still be shared with frames already handed on (a write then copies all of it).
    public mutating func append(_ bytes: ByteBuffer) {
        guard !refused else { return }
        guard var earlier = held.take(), earlier.readableBytes > 0 else {
            held = bytes
            return
        }
        var incoming = bytes
        if earlier.readerIndex > 0 || earlier.writableBytes < incoming.readableBytes {
            let need = earlier.readableBytes + incoming.readableBytes
            let whole = Self.header(of: earlier).map { $0.total <= maxFrameSize + 14 ? $0.total : 0 } ?? 0
            var fresh = ByteBufferAllocator().buffer(capacity: max(need, whole))
            fresh.writeBuffer(&earlier)
            earlier = fresh
        }
        earlier.writeBuffer(&incoming)
        held = earlier
    }

    /// What the header at the start of `buffer` says, once all of it is in: the frame's first byte,
    /// its header length (with the key), its payload length and key, and its total length (which may
    /// not fit in memory: check the payload length against the limit first).
    static func header(of buffer: ByteBuffer) -> (
        first: UInt8, headerLength: Int, payload: UInt64, maskWord: UInt32?, total: Int
    )? {
        let start = buffer.readerIndex
        let available = buffer.readableBytes
        guard available >= 2, let first = buffer.getInteger(at: start, as: UInt8.self),
            let second = buffer.getInteger(at: start + 1, as: UInt8.self)
        else { return nil }
        var header = 2
        var length = UInt64(second & 0x7F)
        if length == 126 {
            guard available >= 4, let n = buffer.getInteger(at: start + 2, as: UInt16.self) else { return nil }
            (length, header) = (UInt64(n), 4)
        } else if length == 127 {
            guard available >= 10, let n = buffer.getInteger(at: start + 2, as: UInt64.self) else { return nil }
            (length, header) = (n, 10)
        }
        var maskWord: UInt32?
        if second & 0x80 != 0 {
            guard available >= header + 4 else { return nil }
            maskWord = buffer.getInteger(at: start + header, endianness: .little, as: UInt32.self)
            header += 4
        }
        let total = length > UInt64(Int.max / 2) ? Int.max : header + Int(length)
        return (first, header, length, maskWord, total)
    }

    /// Appends `bytes` and hands every whole frame now held to `body`, in order; returns false when
    /// a frame over the limit was found (the decoder has refused: nothing more will come), else true.
    public mutating func read(_ bytes: ByteBuffer, _ body: (WireFrame) throws -> Void) rethrows -> Bool {
        append(bytes)
        while true {
            switch next() {
            case .frame(let frame): try body(frame)
            case .needMore: return !refused
            case .tooLarge: return false
            }
        }
    }

    /// The next whole frame, if one is held.
    public mutating func next() -> Next {
        guard !refused, var buffer = held.take() else { return .needMore }
        defer { held = buffer.readableBytes > 0 ? buffer : nil }
        guard let header = Self.header(of: buffer) else {
            // Not all of the header is in; a length already over the limit is refused without waiting for the key.
            if let length = Self.lengthSoFar(buffer), length > UInt64(maxFrameSize) { return refuse(&buffer) }
            return .needMore
        }
        guard header.payload <= UInt64(maxFrameSize) else { return refuse(&buffer) }
        guard buffer.readableBytes >= header.total, let bytes = buffer.readSlice(length: header.total) else {
            return .needMore
        }
        return .frame(
            WireFrame(
                bytes: bytes, fin: header.first & 0x80 != 0, rsv: header.first & 0x70, opcode: header.first & 0x0F,
                maskWord: header.maskWord, headerLength: header.headerLength))
    }

    private mutating func refuse(_ buffer: inout ByteBuffer) -> Next {
        refused = true
        buffer.clear()
        return .tooLarge
    }

    /// The payload length, when its bytes are in but the masking key is not yet.
    private static func lengthSoFar(_ buffer: ByteBuffer) -> UInt64? {
        let start = buffer.readerIndex
        guard let second = buffer.getInteger(at: start + 1, as: UInt8.self) else { return nil }
        switch second & 0x7F {
        case 126: return buffer.getInteger(at: start + 2, as: UInt16.self).map(UInt64.init)
        case 127: return buffer.getInteger(at: start + 2, as: UInt64.self)
        case let short: return UInt64(short)
        }
    }
}

extension Optional {
    /// The value, leaving nil behind (so a buffer taken out is uniquely referenced while it grows).
    fileprivate mutating func take() -> Wrapped? {
        defer { self = nil }
        return self
    }
}

/// WebSocket masking (RFC 6455 §5.3) eight bytes at a time.
public enum WireMask {
    /// Writes `source` XOR the repeating key `word` (first key byte lowest) to `destination`, which
    /// may be `source` itself and must have room for `source.count` bytes.
    public static func xor(
        from source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawPointer?, word: UInt32
    ) {
        guard let from = source.baseAddress, let to = destination else { return }
        let word64 = UInt64(word)
        let key64 = (word64 | word64 << 32).littleEndian
        let count = source.count
        var i = 0
        while i + 8 <= count {
            (to + i).storeBytes(of: (from + i).loadUnaligned(as: UInt64.self) ^ key64, as: UInt64.self)
            i += 8
        }
        while i < count {  // the last 0–7 bytes (no array: this runs for every frame)
            let keyByte = UInt8(truncatingIfNeeded: word >> (8 * UInt32(i & 3)))
            to.storeBytes(of: from.load(fromByteOffset: i, as: UInt8.self) ^ keyByte, toByteOffset: i, as: UInt8.self)
            i += 1
        }
    }
}
