import NIOCore
import NIOWebSocket

#if canImport(Glibc)
    import Glibc
#endif

/// WebSocket masking (RFC 6455 §5.3) eight bytes at a time; NIO's own goes byte by byte, which
/// made masking the largest cost of forwarding 100 KB audio frames.
enum FastMask {
    /// The frame's payload with its mask removed (the payload itself when it is not masked),
    /// unmasked while copying into a buffer from `allocator` (one pass over the bytes).
    static func unmasked(_ frame: WebSocketFrame, allocator: ByteBufferAllocator) -> ByteBuffer {
        guard let key = frame.maskKey else { return frame.data }
        let data = frame.data
        var out = allocator.buffer(capacity: data.readableBytes)
        out.writeWithUnsafeMutableBytes(minimumWritableBytes: data.readableBytes) { target in
            data.withUnsafeReadableBytes { xor(from: $0, into: target.baseAddress, key: key) }
            return data.readableBytes
        }
        return out
    }

    /// Writes `source` XOR the repeating 4-byte `key` to `destination` (which may be `source`).
    static func xor(
        from source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawPointer?, key: WebSocketMaskingKey
    ) {
        guard let from = source.baseAddress, let to = destination else { return }
        let word = UInt64(key[0]) | UInt64(key[1]) << 8 | UInt64(key[2]) << 16 | UInt64(key[3]) << 24
        let key64 = word | word << 32
        let count = source.count
        var i = 0
        while i + 8 <= count {
            (to + i).storeBytes(of: (from + i).loadUnaligned(as: UInt64.self) ^ key64, as: UInt64.self)
            i += 8
        }
        while i < count {  // the last 0–7 bytes (no array: this runs for every frame)
            to.storeBytes(
                of: from.load(fromByteOffset: i, as: UInt8.self) ^ key[i & 3], toByteOffset: i, as: UInt8.self)
            i += 1
        }
    }
}

/// Masking keys from the C library's `arc4random_buf`, 1024 at a time.
///
/// `arc4random_buf` is seeded by the kernel's random source, so the keys are unpredictable, as
/// RFC 6455 asks; fetching them in bulk saves a system call per frame.
struct MaskingKeys {
    private var pool = [UInt8](repeating: 0, count: 4096)
    private var next = 4096

    mutating func key() -> WebSocketMaskingKey {
        if next + 4 > pool.count {
            refill()
            next = 0
        }
        defer { next += 4 }
        return WebSocketMaskingKey(pool[next..<next + 4]) ?? .random()  // always four bytes: never nil
    }

    private mutating func refill() {
        pool.withUnsafeMutableBytes { if let base = $0.baseAddress { arc4random_buf(base, $0.count) } }
    }
}

/// Serialises frames as a WebSocket client must send them: always masked (with the frame's own key,
/// or a fresh one), the mask applied while copying header and payload into one buffer.
///
/// Takes the place of NIO's `WebSocketFrameEncoder` on client connections (see
/// `MaskingClientUpgrader`). Extension data, when present, is sent before the application data and
/// masked with it as one payload.
final class MaskingFrameEncoder: ChannelOutboundHandler {
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = ByteBuffer

    private var keys = MaskingKeys()

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let frame = unwrapOutboundIn(data)
        let key = frame.maskKey ?? keys.key()
        let length = frame.length
        var out = context.channel.allocator.buffer(capacity: 14 + length)
        var first = UInt8(webSocketOpcode: frame.opcode) & 0x0F
        if frame.fin { first |= 0x80 }
        if frame.rsv1 { first |= 0x40 }
        if frame.rsv2 { first |= 0x20 }
        if frame.rsv3 { first |= 0x10 }
        out.writeInteger(first)
        if length < 126 {
            out.writeInteger(UInt8(length) | 0x80)
        } else if length <= Int(UInt16.max) {
            out.writeInteger(UInt8(126 | 0x80))
            out.writeInteger(UInt16(length))
        } else {
            out.writeInteger(UInt8(127 | 0x80))
            out.writeInteger(UInt64(length))
        }
        out.writeBytes([key[0], key[1], key[2], key[3]])
        var payload = frame.data
        if var extensionData = frame.extensionData {
            extensionData.writeBuffer(&payload)
            payload = extensionData
        }
        let start = out.writerIndex
        out.writeWithUnsafeMutableBytes(minimumWritableBytes: payload.readableBytes) { target in
            payload.withUnsafeReadableBytes { FastMask.xor(from: $0, into: target.baseAddress, key: key) }
            return payload.readableBytes
        }
        assert(out.writerIndex - start == length)
        context.write(wrapOutboundOut(out), promise: promise)
    }
}

@available(*, unavailable)
extension MaskingFrameEncoder: Sendable {}
