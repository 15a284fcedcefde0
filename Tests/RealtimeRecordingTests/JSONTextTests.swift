import Testing

@testable import RealtimeRecording

/// `JSONText.needsNoEscape` (eight bytes at a time) against the byte-by-byte check it replaces.
@Suite struct JSONTextTests {
    /// The reference: no byte may need an escape.
    private func reference(_ bytes: [UInt8]) -> Bool { !bytes.contains(where: JSONText.mayNeedEscape) }

    private func fast(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBufferPointer(JSONText.needsNoEscape) }

    @Test func agreesWithTheByteCheckOnEveryByteInEveryPosition() {
        // Each byte value at each place of a 19-byte run of plain text (two words and a tail), so every lane of a
        // word, the borrows and carries next to it, and the tail are covered.
        let plain = Array("abcdefghijklmnopqrs".utf8)
        for value in 0...255 {
            for place in plain.indices {
                var bytes = plain
                bytes[place] = UInt8(value)
                #expect(fast(bytes) == reference(bytes), "byte \(value) at \(place)")
            }
        }
    }

    @Test func agreesOnRandomText() {
        // Mostly printable ASCII with some UTF-8 and controls, as findings' strings are; a fixed seed.
        var generator = SplitMix64(seed: 0x5EED)  // LineScannerTests.swift
        let alphabet: [UInt8] =
            Array(" !#$%&'()*+,-./0123456789:;<=>?@AZaz[]^_`{|}~".utf8) + [
                0x22, 0x5C, 0x00, 0x1F, 0x7F, 0xC2, 0x85, 0xC3, 0xA9, 0xD8, 0x9C, 0xE2, 0x80, 0xAE, 0xF0, 0x9F, 0xFF,
            ]
        var differing = 0
        var plainSeen = 0
        for _ in 0..<20_000 {
            let length = Int(generator.next() % 40)
            var bytes: [UInt8] = []
            for _ in 0..<length {
                let r = generator.next()
                bytes.append(r % 8 == 0 ? alphabet[Int(r >> 8) % alphabet.count] : UInt8(0x20 + (r >> 8) % 0x5F))
            }
            if fast(bytes) != reference(bytes) { differing += 1 }
            if reference(bytes) { plainSeen += 1 }
        }
        #expect(differing == 0)
        #expect(plainSeen > 1000)  // both outcomes were exercised
        #expect(plainSeen < 19_000)
    }

    /// `hasNothingToEscape` is exact: true just when the escaper writes the bytes unchanged.
    @Test func hasNothingToEscapeIsTrueJustWhenTheEscaperChangesNothing() {
        var generator = SplitMix64(seed: 0xE5CA)
        let pieces: [[UInt8]] = [
            Array("plain".utf8), Array("—".utf8), Array("é".utf8), Array("日本".utf8), Array("\u{2069}".utf8),
            Array("\u{202E}".utf8), Array("\u{200F}".utf8), Array("\u{061C}".utf8), Array("\u{85}".utf8), [0x22],
            [0x5C], [0x7F], [0x0A], [0x01], Array("\u{2014}\u{2026}".utf8), [0xE2], [0xC2], [0xE2, 0x80],
        ]
        var seen = (clean: 0, escaped: 0)
        for _ in 0..<5_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(generator.next() % 6) { bytes += pieces[Int(generator.next() % UInt64(pieces.count))] }
            var escaped: [UInt8] = []
            bytes.withUnsafeBufferPointer { JSONText.appendEscaped($0, to: &escaped, encoderStyle: true) }
            let exact = bytes.withUnsafeBufferPointer(JSONText.hasNothingToEscape)
            #expect(exact == (escaped == bytes), "\(bytes)")
            if exact { seen.clean += 1 } else { seen.escaped += 1 }
        }
        #expect(seen.clean > 500 && seen.escaped > 500)
    }

    @Test func emptyAndShortInputs() {
        #expect(fast([]))
        #expect(fast(Array("a".utf8)))
        #expect(!fast([0x22]))
        #expect(!fast(Array("abcdefg\\".utf8)))
        #expect(fast(Array("héllo wörld".utf8)))  // UTF-8 beyond ASCII that is not a control
        #expect(!fast(Array("abc\u{202E}def".utf8)))  // a bidi override
    }
}
