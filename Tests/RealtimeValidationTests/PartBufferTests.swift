import Testing

@testable import RealtimeValidation

/// A part's accumulated deltas, kept as bytes, read back as the strings they were appended as.
struct PartBufferTests {
    @Test func rawPiecesReadAsTheirDecodedConcatenation() {
        // Pieces as a delta's raw bytes: ASCII, non-ASCII, and invalid UTF-8 split across two pieces (a tape parsed
        // without the scanner can hold it), which decoding each piece repairs on its own.
        let pieces: [[UInt8]] = [
            Array("Hello, ".utf8), Array("wörld ".utf8), [0xC3], [0xA9, 0x21], Array("0123456789abcdefX".utf8),
        ]
        let part = SessionState.Part(type: nil, addedLine: 1)
        var expected = ""
        for piece in pieces {
            piece.withUnsafeBytes { part.append("transcript", raw: $0) }
            expected += String(decoding: piece, as: UTF8.self)
        }
        part.append("text", "other")
        #expect(part.buffer("transcript") == expected)
        #expect(part.buffer("transcript")?.contains("\u{FFFD}\u{FFFD}!") == true)
        #expect(part.buffers.map(\.field) == ["transcript", "text"])
        part.setBuffer("transcript", "final")
        #expect(part.buffers.map(\.field) == ["transcript", "text"])
        #expect(part.buffer("transcript") == "final")
        #expect(part.buffer("missing") == nil)
        part.clearBuffers()
        #expect(part.buffers.isEmpty)
    }
}
