import Foundation
import RealtimeProtocol
import RealtimeRecording
import Testing

/// The `JSON` tree: conversion from the tape, parsing, path lookup shared with `JSONValue`, and the serializer.
///
/// Inputs are hand-made (each names what it exercises).
struct JSONTreeTests {
    /// Parses `text` on the tape, converts it to a tree and encodes it compactly.
    static func roundTrip(_ text: String) throws -> String {
        let tape = try text.utf8CString.withUnsafeBytes { raw in
            try JSON.tape(UnsafeRawBufferPointer(rebasing: raw.dropLast()))
        }
        return JSON(tape).encoded
    }

    @Test func escapesRoundTripToTheSameValue() throws {
        // Quote, backslash, escaped slash, the short escapes, \b and \f, C0 controls, DEL (escaped on output, like
        // C1 and bidi controls, so JSON printed to a terminal is safe).
        let input = #"{"s":"q\"b\\s\/n\n\r\t\b\f\u0001\u001f\u007f"}"#
        #expect(try Self.roundTrip(input) == #"{"s":"q\"b\\s/n\n\r\t\u0008\u000c\u0001\u001f\u007f"}"#)
        let tree = try JSON(parsing: input)
        #expect(tree["s"]?.string == "q\"b\\s/n\n\r\t\u{08}\u{0c}\u{01}\u{1f}\u{7f}")
        // What the serializer writes, the parser reads back to the same tree.
        #expect(try JSON(parsing: tree.encoded) == tree)
    }

    @Test func unicodeAndSurrogatePairsDecodeToUTF8() throws {
        #expect(
            try Self.roundTrip(#"["é漢","\u00e9","\ud83d\ude00","😀","\u2028"]"#)
                == "[\"é漢\",\"é\",\"😀\",\"😀\",\"\u{2028}\"]")
        // A lone surrogate cannot be UTF-8: it becomes U+FFFD rather than failing.
        #expect(try JSON(parsing: #"["\ud800"]"#)[0]?.string == "\u{FFFD}")
    }

    @Test func numbersKeepIntegerAndFloatApartAndLargeIntegersExact() throws {
        let tree = try JSON(
            parsing: "[9223372036854775807,-9223372036854775808,0,-0,1.0,0.1,2.5e-7,1E300,-0.0,123456789012.5]")
        #expect(tree[0] == .int(Int.max))
        #expect(tree[1] == .int(Int.min))
        #expect(tree[0]?.kind == .integer && tree[4]?.kind == .number)
        #expect(tree[4]?.int == nil && tree[4]?.double == 1)
        #expect(tree.encoded == "[9223372036854775807,-9223372036854775808,0,0,1,0.1,2.5e-07,1e+300,-0,123456789012.5]")
        // Beyond Int: kept exact as its digits, still read as a number.
        let big = try JSON(parsing: "[12345678901234567890,-99999999999999999999999]")
        #expect(big[0] == .bigInteger("12345678901234567890") && big[0]?.kind == .integer)
        #expect(big.encoded == "[12345678901234567890,-99999999999999999999999]")
        #expect(big[0]?.int == nil && big[0]?.double == 12_345_678_901_234_567_890)
        // Non-finite doubles are never written.
        #expect(JSON.array([.double(.infinity), .double(-.infinity), .double(.nan)]).encoded == "[null,null,null]")
    }

    @Test func repeatedKeysReadTheLastMemberAsTheTapeDoes() throws {
        let text = #"{"a":1,"b":{"c":"x"},"a":2}"#
        let tape = try #require(JSONTape.parse(Array(text.utf8)))
        let tree = try JSON(parsing: text)
        #expect(tape.int(at: "a") == 2)
        #expect(tree["a"] == .int(2) && tree.int(at: "a") == 2)
        #expect(tree.encoded == text)  // every member kept, in order
        #expect(tree.keysSorted.encoded == #"{"a":2,"b":{"c":"x"}}"#)
        var edited = tree
        edited.set("a", 3)
        #expect(edited["a"] == 3)
    }

    @Test func deepNestingParsesUpToTheLimitAndFailsBeyondIt() throws {
        let deep = String(repeating: "[", count: 500) + "1" + String(repeating: "]", count: 500)
        #expect(try JSON(parsing: deep).encoded == deep)
        let tooDeep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: ScanError.self) { try JSON(parsing: tooDeep) }
    }

    @Test func invalidTextThrowsWhatIsWrong() {
        for bad in ["", "[1,]", "tru", "{\"a\":1} x", "{\"a\" 1}", "\"open", "01"] {
            #expect(throws: ScanError.self, "\(bad)") { try JSON(parsing: bad) }
            #expect(!JSON.isValid(bad))
        }
        for good in [" 1 ", "\"x\"", "null", "[]", "{}", "-1.5e3"] { #expect(JSON.isValid(good), "\(good)") }
    }

    @Test func pathLookupAgreesBetweenTapeAndTree() throws {
        let text = #"{"a":{"b":[{"c":"x"},{"c":"y","d":2.5}]},"0":{"1":true},"e":null,"":{"":7}}"#
        let tape = try #require(JSONTape.parse(Array(text.utf8)))
        let tree = try JSON(parsing: text)
        for path in [
            "a.b.0.c", "a.b.1.c", "a.b.1.d", "a.b.2.c", "a.b.x", "a.b", "0.1", "e", "missing", "a.b.-1", ".", "a..b",
        ] {
            let fromTape = tape.value(at: path).map { JSON($0) }
            #expect(fromTape == tree.value(at: path), "\(path)")
            #expect(tape.kind(at: path) == tree.kind(at: path), "\(path)")
            #expect(tape.string(at: path) == tree.string(at: path), "\(path)")
        }
        #expect(tree.string(at: "a.b.1.c") == "y")
        #expect(tree.double(at: "a.b.1.d") == 2.5)
        #expect(tree.int(at: ".") == 7)
    }

    @Test func anArrayIndexTooLargeForIntFailsInsteadOfTrapping() throws {
        let tape = try #require(JSONTape.parse(Array(#"{"a":[1,2]}"#.utf8)))
        #expect(tape.value(at: "a.99999999999999999999999") == nil)
        #expect(try JSON(parsing: #"{"a":[1,2]}"#).value(at: "a.99999999999999999999999") == nil)
    }

    @Test func minifiedKeepsKeysNumbersAndEscapesAsWritten() throws {
        let text = "{\n  \"b\" : 1.50,\n  \"a\" : [ 1e2 , \"x\\u0041 y\" ],\n  \"b\" : { }\n}"
        let value = try text.utf8CString.withUnsafeBytes { raw in
            try JSON.tape(UnsafeRawBufferPointer(rebasing: raw.dropLast()))
        }
        #expect(String(decoding: value.minified, as: UTF8.self) == #"{"b":1.50,"a":[1e2,"x\u0041 y"],"b":{}}"#)
    }

    /// Values whose pretty, key-sorted text `JSONSerialization` also writes (no \b or \f: it spells those short).
    static let oracleValues: [JSON] = [
        [:], [], ["b": 1, "a": [1, [:], []], "c": ["z/y": "a/b"]],
        [
            "d": [
                0.1, 1.0, 1e20, 1e15, 1e16, 2.5e-7, -0.0, 123456789012.5, 0.30000000000000004, 1.7976931348623157e308,
            ],
            "s": "é\u{01}\"\\\n\t😀", "t": true, "f": false, "n": nil, "i": .int(Int.max),
        ],
    ]

    @Test func prettySortedTextIsByteIdenticalToJSONSerialization() throws {
        for value in Self.oracleValues {
            for slashes in [true, false] {
                var options: JSONSerialization.WritingOptions = [.prettyPrinted, .sortedKeys]
                if !slashes { options.insert(.withoutEscapingSlashes) }
                let expected = try JSONSerialization.data(withJSONObject: value.foundationValue, options: options)
                let ours = value.encoded(.init(pretty: true, sortedKeys: true, escapeSlashes: slashes))
                #expect(ours == String(decoding: expected, as: UTF8.self))
            }
        }
    }

    @Test func foundationBridgeRoundTrips() throws {
        let tree = try JSON(parsing: #"{"a":[1,2.5,"x",true,null],"b":{"c":false}}"#)
        #expect(JSON(foundation: tree.foundationValue) == tree.keysSorted)
        let object = try #require(tree.foundationValue as? [String: Any])
        #expect((object["a"] as? [Any])?.first as? Int == 1)
    }

    @Test func equalityIgnoresKeyOrderAndNumberSpelling() {
        #expect(JSONEquality.same(#"{"a":1,"b":[1.0,{"c":null}]}"#, #"{ "b":[1,{"c":null}], "a":1.0 }"#))
        #expect(!JSONEquality.same(#"{"a":1}"#, #"{"a":true}"#))
        #expect(!JSONEquality.same(#"{"a":1}"#, #"{"a":1,"b":2}"#))
        // An escaped key reads as its value, so the tree's text reads back to the same tree (found by the fuzzer).
        let escapedKey = try? JSON(parsing: #"{"a\u001b]52;c;":0}"#)
        #expect(escapedKey?.object?.first?.0 == "a\u{1B}]52;c;")
        #expect(escapedKey.flatMap { try? JSON(parsing: $0.encoded) } == escapedKey)
        // Integers beyond Int compare by their digits (they were unequal to themselves before).
        #expect(JSONEquality.same(#"{"n":12345678901234567890}"#, #"{ "n": 12345678901234567890 }"#))
        #expect(!JSONEquality.same(#"{"n":12345678901234567890}"#, #"{"n":12345678901234567891}"#))
        #expect(JSONEquality.same("not json", "not json"))
    }
}
