import Foundation
import Testing

@testable import RealtimeRecording

/// `PayloadRedactor.mayHoldSecret`'s two searches (8-byte words for short payloads, `memchr` for long ones) against
/// the plain definition: the bytes contain `"ek_` or `client_secret`.
struct PayloadSecretSearchTests {
    static func reference(_ bytes: [UInt8]) -> Bool {
        func contains(_ needle: String) -> Bool {
            let n = Array(needle.utf8)
            guard bytes.count >= n.count else { return false }
            return (0...(bytes.count - n.count)).contains { bytes[$0..<$0 + n.count].elementsEqual(n) }
        }
        return contains(#""ek_"#) || contains("client_secret")
    }

    @Test func agreesWithTheDefinitionOnEveryOffsetAndLength() {
        // Hand-made: each pattern, and near misses, planted at every offset of fillers rich in `_` and in the
        // patterns' letters, across the word boundary and both sides of the short-payload limit.
        let pieces = [#""ek_"#, "client_secret", "ek_", #""ek"#, "client_secre", "lient_secret", "_", "__"]
        var generator = SystemRandomNumberGenerator()
        let letters = Array(#"_"ekclintsr x"#.utf8)
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 40, PayloadRedactor.wordScanLimit, PayloadRedactor.wordScanLimit + 1]
        {
            for piece in pieces {
                for offset in stride(from: 0, through: max(0, length - piece.utf8.count), by: length > 64 ? 61 : 1) {
                    var bytes = (0..<length).map { _ in letters.randomElement(using: &generator) ?? 0 }
                    if offset + piece.utf8.count <= length {
                        bytes.replaceSubrange(offset..<offset + piece.utf8.count, with: Array(piece.utf8))
                    }
                    let found = bytes.withUnsafeBytes { PayloadRedactor.mayHoldSecret($0) }
                    #expect(found == Self.reference(bytes), "\(String(decoding: bytes, as: UTF8.self))")
                }
            }
        }
    }
}
