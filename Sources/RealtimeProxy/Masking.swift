import NIOCore
import NIOWebSocket
import RealtimeWire

#if canImport(Glibc)
    import Glibc
#endif

/// NIO's masking keys as the words `WireMask.xor` takes (masking eight bytes at a time; NIO's own goes
/// byte by byte, which made masking the largest cost of forwarding 100 KB audio frames).
enum FastMask {
    /// The key's four bytes as one word, the first byte lowest (the bytes in memory order on a
    /// little-endian machine; `WireMask.xor` and the frame header use this order).
    static func word(_ key: WebSocketMaskingKey) -> UInt32 {
        UInt32(key[0]) | UInt32(key[1]) << 8 | UInt32(key[2]) << 16 | UInt32(key[3]) << 24
    }
}

/// Masking keys from the C library's `arc4random_buf`, 1024 at a time.
///
/// `arc4random_buf` is seeded by the kernel's random source, so the keys are unpredictable, as
/// RFC 6455 asks; fetching them in bulk saves a system call per frame. A key is handed out as one
/// word (first byte lowest, see `FastMask.word`), not as a `WebSocketMaskingKey`: NIO's initialiser
/// from bytes is generic and not inlinable, and cost several heap allocations per frame.
struct MaskingKeys {
    private var pool = [UInt32](repeating: 0, count: 1024)
    private var next = 1024

    mutating func word() -> UInt32 {
        if next == pool.count {
            pool.withUnsafeMutableBytes { if let base = $0.baseAddress { arc4random_buf(base, $0.count) } }
            next = 0
        }
        defer { next += 1 }
        return pool[next]
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
        let key = frame.maskKey.map(FastMask.word) ?? keys.word()
        let length = frame.length
        var out = context.channel.allocator.buffer(capacity: 14 + length)
        var rsv: UInt8 = 0
        if frame.rsv1 { rsv |= 0x40 }
        if frame.rsv2 { rsv |= 0x20 }
        if frame.rsv3 { rsv |= 0x10 }
        WireFrame.writeHeader(
            fin: frame.fin, rsv: rsv, opcode: UInt8(webSocketOpcode: frame.opcode), length: length, maskWord: key,
            into: &out)
        var payload = frame.data
        if var extensionData = frame.extensionData {
            extensionData.writeBuffer(&payload)
            payload = extensionData
        }
        let start = out.writerIndex
        out.writeWithUnsafeMutableBytes(minimumWritableBytes: payload.readableBytes) { target in
            payload.withUnsafeReadableBytes { WireMask.xor(from: $0, into: target.baseAddress, word: key) }
            return payload.readableBytes
        }
        assert(out.writerIndex - start == length)
        context.write(wrapOutboundOut(out), promise: promise)
    }
}

@available(*, unavailable)
extension MaskingFrameEncoder: Sendable {}
