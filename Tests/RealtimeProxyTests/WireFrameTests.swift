import NIOCore
import NIOEmbedded
import NIOWebSocket
import RealtimeWire
import Testing

@testable import RealtimeProxy

/// The relay's frame cutter (`WireFrameDecoder`) and frame maker (`WireFrame.make`).
///
/// Checked against NIO's own frame decoder and, with random bytes in random pieces, for the invariants the
/// relay relies on: no byte lost, reordered or invented, and the same frames however the bytes
/// arrive. The random inputs come from a fixed seed, so a failure repeats.
struct WireFrameTests {
    /// A small deterministic generator (SplitMix64), so every run tests the same inputs.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Everything `bytes` decodes to when it arrives in the given pieces, and whether it was refused.
    static func cut(_ bytes: [UInt8], pieces: [Int], maxFrameSize: Int) -> (frames: [WireFrame], refused: Bool) {
        var decoder = WireFrameDecoder(maxFrameSize: maxFrameSize)
        var frames: [WireFrame] = []
        var start = 0
        for size in pieces + [bytes.count] where start < bytes.count {
            let end = min(bytes.count, start + size)
            guard decoder.read(ByteBuffer(bytes: bytes[start..<end]), { frames.append($0) }) else {
                return (frames, true)
            }
            start = end
        }
        return (frames, false)
    }

    /// NIO's frames for `bytes` (which must be valid), through its decoder on an embedded channel.
    static func nioFrames(_ bytes: [UInt8]) throws -> [WebSocketFrame] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 20)))
        try channel.writeInbound(ByteBuffer(bytes: bytes))
        var frames: [WebSocketFrame] = []
        while let frame = try channel.readInbound(as: WebSocketFrame.self) { frames.append(frame) }
        _ = try channel.finish()
        return frames
    }

    @Test(arguments: [0, 1, 125, 126, 127, 65_535, 65_536, 70_001])
    func framesMadeHereDecodeAsNIODecodesThem(length: Int) throws {
        var random = Seeded(state: UInt64(length))
        let payload = ByteBuffer(bytes: (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) })
        for (opcode, mask, fin) in [
            (WebSocketOpcode.text, UInt32?.none, true), (.binary, 0xDEAD_BEEF, false), (.continuation, 1, true),
        ] {
            let made = WireFrame.make(
                fin: fin, rsv: 0x40, opcode: UInt8(webSocketOpcode: opcode), payload: payload, maskWord: mask,
                allocator: ByteBufferAllocator())
            let bytes = Array(made.bytes.readableBytesView)
            let theirs = try #require(try Self.nioFrames(bytes).first)
            #expect(theirs.fin == fin && theirs.rsv1 && !theirs.rsv2 && theirs.opcode == opcode)
            #expect(theirs.maskKey.map(FastMask.word) == mask)
            #expect(theirs.unmaskedData == payload)
            let (ours, refused) = Self.cut(bytes, pieces: [3, 1, 9, 4096], maxFrameSize: 1 << 20)
            #expect(!refused && ours.count == 1)
            var scratch = ByteBuffer()
            #expect(ours.first?.unmaskedPayload(scratch: &scratch) == payload)
            #expect(ours.first.map { $0.fin == fin && $0.webSocketOpcode == opcode && $0.rsv == 0x40 } == true)
            #expect(ours.first?.bytes == made.bytes)
            // Masked again with another key: the same frame to NIO, under the new key.
            let again = made.remasked(with: 0x1234_5678, allocator: ByteBufferAllocator())
            let remasked = try #require(try Self.nioFrames(Array(again.bytes.readableBytesView)).first)
            #expect(remasked.maskKey.map(FastMask.word) == 0x1234_5678 && remasked.unmaskedData == payload)
            #expect(remasked.fin == fin && remasked.rsv1 && remasked.opcode == opcode)
        }
    }

    /// Streams of valid frames: the same frames as NIO's decoder, however the stream is split.
    @Test func aStreamOfFramesDecodesAsNIODecodesItInAnyPieces() throws {
        var random = Seeded(state: 42)
        for _ in 0..<200 {
            var stream: [UInt8] = []
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                let data = ByteBuffer(
                    bytes: (0..<Int.random(in: 0...300, using: &random)).map { _ in
                        UInt8.random(in: 0...255, using: &random)
                    })
                let opcode: WebSocketOpcode = Bool.random(using: &random) ? .text : .binary
                let mask: UInt32? =
                    Bool.random(using: &random) ? UInt32.random(in: 0...UInt32.max, using: &random) : nil
                stream +=
                    WireFrame.make(
                        opcode: UInt8(webSocketOpcode: opcode), payload: data, maskWord: mask,
                        allocator: ByteBufferAllocator()
                    )
                    .bytes.readableBytesView
            }
            let theirs = try Self.nioFrames(stream)
            let pieces = (0..<20).map { _ in Int.random(in: 1...64, using: &random) }
            let (ours, refused) = Self.cut(stream, pieces: pieces, maxFrameSize: 1 << 20)
            #expect(!refused && ours.count == theirs.count)
            var scratch = ByteBuffer()
            for (a, b) in zip(ours, theirs) {
                #expect(a.webSocketOpcode == b.opcode && a.fin == b.fin && a.maskWord == b.maskKey.map(FastMask.word))
                #expect(a.unmaskedPayload(scratch: &scratch) == b.unmaskedData)
            }
        }
    }

    /// Random bytes in random pieces: whatever comes out is a prefix of the input, in order, and the
    /// same frames come out whatever the pieces; a refusal stops the output for good.
    @Test func randomBytesAreNeverLostReorderedOrInvented() {
        var random = Seeded(state: 7)
        for round in 0..<3000 {
            let bytes = (0..<Int.random(in: 0...400, using: &random)).map { _ in
                // Mostly small lengths, so whole frames are common; now and then a large one.
                round % 3 == 0 ? UInt8.random(in: 0...255, using: &random) : UInt8.random(in: 0...40, using: &random)
            }
            let limit = Int.random(in: 0...200, using: &random)
            let one = Self.cut(bytes, pieces: [bytes.count], maxFrameSize: limit)
            let pieces = (0..<30).map { _ in Int.random(in: 1...17, using: &random) }
            let many = Self.cut(bytes, pieces: pieces, maxFrameSize: limit)
            let joined = one.frames.flatMap { Array($0.bytes.readableBytesView) }
            #expect(Array(bytes.prefix(joined.count)) == joined)
            #expect(
                many.frames.map { Array($0.bytes.readableBytesView) }
                    == one.frames.map { Array($0.bytes.readableBytesView) })
            #expect(many.refused == one.refused)
            for frame in one.frames { #expect(frame.payloadLength <= limit && frame.headerLength >= 2) }
        }
    }

    @Test func aFrameOverTheLimitIsRefusedFromItsHeaderAlone() {
        var decoder = WireFrameDecoder(maxFrameSize: 125)
        decoder.append(ByteBuffer(bytes: [0x82, 126, 0x00]))  // the length is not all in yet
        guard case .needMore = decoder.next() else { Issue.record("decided before the length was in"); return }
        decoder.append(ByteBuffer(bytes: [126]))  // 126 bytes: one over the limit, none of them sent
        guard case .tooLarge = decoder.next() else { Issue.record("not refused"); return }
        decoder.append(ByteBuffer(bytes: [0x81, 0x00]))  // a whole frame after the refusal: not taken
        guard case .needMore = decoder.next() else { Issue.record("read on after a refusal"); return }
        #expect(decoder.refused)
    }
}
