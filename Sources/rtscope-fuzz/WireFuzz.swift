import NIOCore
import RealtimeWire

/// The relay's frame cutter on fuzz input: the bytes as a client or an upstream might send them after
/// the upgrade, cut whole and in pieces chosen by the input itself, with a frame-size limit it also chooses.
///
/// Invariants checked (a violation traps, so libFuzzer saves the input): the frames that come out are
/// the input's first bytes, in order, unchanged; the same frames and the same refusal come out
/// however the bytes are split; every frame's payload unmasks, masks again with another key and
/// is made afresh to frames that decode to the same payload.
enum WireFuzz {
    static func run(_ bytes: [UInt8]) {
        let limit = Int(bytes.first ?? 0) * 3
        let whole = cut(bytes, pieces: [bytes.count], limit: limit)
        let pieces = bytes.prefix(64).map { 1 + Int($0 % 37) }
        let split = cut(bytes, pieces: pieces, limit: limit)
        precondition(whole.refused == split.refused, "a refusal depended on how the bytes were split")
        precondition(
            whole.frames.map { Array($0.bytes.readableBytesView) }
                == split.frames.map { Array($0.bytes.readableBytesView) },
            "the frames depended on how the bytes were split")
        let joined = whole.frames.flatMap { Array($0.bytes.readableBytesView) }
        precondition(Array(bytes.prefix(joined.count)) == joined, "a frame is not the input's next bytes")
        var scratch = ByteBuffer()
        for frame in whole.frames {
            precondition(frame.payloadLength >= 0 && frame.payloadLength <= limit, "a frame over the limit came out")
            let payload = frame.unmaskedPayload(scratch: &scratch)
            let again = frame.remasked(with: 0xA5C3_0F1E, allocator: ByteBufferAllocator())
            let made = WireFrame.make(
                fin: frame.fin, rsv: frame.rsv, opcode: frame.opcode, payload: payload, maskWord: nil,
                allocator: ByteBufferAllocator())
            for copy in [again, made] {
                let decoded = cut(Array(copy.bytes.readableBytesView), pieces: [], limit: limit)
                var other = ByteBuffer()
                precondition(decoded.frames.count == 1, "a frame made again did not decode to one frame")
                precondition(decoded.frames[0].unmaskedPayload(scratch: &other) == payload, "a payload changed")
                precondition(
                    decoded.frames[0].opcode == frame.opcode && decoded.frames[0].fin == frame.fin, "a header changed")
            }
        }
    }

    /// The frames `bytes` gives in the given pieces (the rest at once), and whether the decoder refused.
    static func cut(_ bytes: [UInt8], pieces: [Int], limit: Int) -> (frames: [WireFrame], refused: Bool) {
        var decoder = WireFrameDecoder(maxFrameSize: limit)
        var frames: [WireFrame] = []
        var start = 0
        for size in pieces + [bytes.count] where start < bytes.count {
            let end = min(bytes.count, start + size)
            let withinLimit = decoder.read(ByteBuffer(bytes: bytes[start..<end])) { frames.append($0) }
            precondition(withinLimit == !decoder.refused, "read's answer and the decoder's state disagree")
            start = end
        }
        return (frames, decoder.refused)
    }
}
