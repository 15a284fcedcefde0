import Foundation
import RealtimeProtocol
import Testing

@testable import RealtimeRecording

/// Scans `text` and returns the error (nil when valid) plus captured strings by slot.
private func scan(_ text: String, mode: LineScanner.Mode = .record) -> (ScanError?, [ScanSlot: String]) {
    var scanner = LineScanner(mode: mode, maxDepth: 64)
    let bytes = Array(text.utf8)
    return bytes.withUnsafeBytes { raw in
        let error = scanner.scan(raw)
        var captured: [ScanSlot: String] = [:]
        let fields = scanner.fields
        for slot in ScanSlot.allCases {
            if let span = fields.span(slot) {
                captured[slot] = JSONText.unescape(UnsafeRawBufferPointer(rebasing: raw[span.start..<span.end]))
            }
        }
        return (error, captured)
    }
}

struct LineScannerTests {
    @Test(arguments: [
        #"{}"#, #"[]"#, #"{"a":1}"#, #"{"a":[1,2,{"b":null}],"c":true,"d":false}"#, #"  {"a" : "b" }  "#,
        #"{"n":-0.5e+10}"#, #"{"n":0}"#, #"{"n":1E5}"#, #""just a string""#, #"123"#, #"null"#,
        #"{"s":"\u00e9\n\t\"\\\/"}"#, #"{"s":"héllo wörld 日本語 🎧"}"#, "{\"s\":\"\u{7F}\"}",
    ])
    func acceptsValidJSON(_ text: String) {
        #expect(scan(text).0 == nil, "\(text)")
    }

    @Test(arguments: [
        #"{"#, #"{"a":}"#, #"{"a":1,}"#, #"[1,]"#, #"{"a" 1}"#, #"{a:1}"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":-}"#,
        #"{"a":tru}"#, #"{"a":nul}"#, #"{"a":"x}"#, #"{"a":"\x"}"#, #"{"a":"\u12"}"#, #"{"a":1}}"#, #"{"a":1} x"#,
        #"[1 2]"#, #"{"a":1]"#, #"[}"#, "{\"a\":\"tab\there\"}", #"{"a":"b","c"}"#, #"{,}"#, #"[,1]"#, "",
        "   ", #"{"a":+1}"#, #"{"a":.5}"#, #"{"a":1e}"#,
    ])
    func rejectsInvalidJSON(_ text: String) {
        #expect(scan(text).0 != nil, "\(text)")
    }

    @Test func rejectsInvalidUTF8() {
        var scanner = LineScanner()
        for bad: [UInt8] in [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xE2, 0x82], [0xFF]] {
            let line: [UInt8] = Array(#"{"a":""#.utf8) + bad + Array(#""}"#.utf8)
            let error = line.withUnsafeBytes { scanner.scan($0) }
            #expect(error != nil)
        }
    }

    @Test func capturesEnvelopeAndEventFields() {
        let line =
            #"{"seq":7,"t_us":1234,"dir":"s2c","op":"text","event":{"type":"response.text.delta","event_id":"ev_1","#
            + #""response_id":"resp_1","item_id":"item_1","delta":"Hi","item":{"id":"x"}}}"#
        let (error, captured) = scan(line)
        #expect(error == nil)
        #expect(captured[.seq] == "7")
        #expect(captured[.tUs] == "1234")
        #expect(captured[.dir] == "s2c")
        #expect(captured[.type] == "response.text.delta")
        #expect(captured[.eventID] == "ev_1")
        #expect(captured[.responseID] == "resp_1")
        #expect(captured[.itemID] == "item_1")
        #expect(captured[.itemDotID] == "x")
        #expect(captured[.event]?.hasPrefix(#"{"type":"response.text.delta""#) == true)
        #expect(captured[.event]?.hasSuffix(#""item":{"id":"x"}}"#) == true)
    }

    @Test func ignoresNestedTypesAndIdsOutsideTheirPaths() {
        let line =
            #"{"event":{"item":{"type":"message","content":[{"type":"input_text","id":"no"}]},"#
            + #""response":{"output":[{"id":"deep"}],"id":"resp_9"},"type":"conversation.item.create"},"dir":"c2s","op":"text"}"#
        let (error, captured) = scan(line)
        #expect(error == nil)
        #expect(captured[.type] == "conversation.item.create")
        #expect(captured[.responseDotID] == "resp_9")
        #expect(captured[.itemDotID] == nil)
    }

    @Test func decodesEscapedCapturedStrings() {
        let (error, captured) = scan(#"{"event":{"type":"a\u002eb","item_id":"x\"y"}}"#)
        #expect(error == nil)
        #expect(captured[.type] == "a.b")
        #expect(captured[.itemID] == "x\"y")
    }

    @Test func bareEventModeCapturesTopLevelEventKeys() {
        let (error, captured) = scan(
            #"{"type":"session.created","event_id":"e1","session":{"id":"s"}}"#, mode: .bareEvent)
        #expect(error == nil)
        #expect(captured[.type] == "session.created")
        #expect(captured[.eventID] == "e1")
    }

    /// One policy everywhere: of two members with the same key, the last counts (scanner, tape, Foundation alike).
    @Test func repeatedKeysReadTheLastValueEverywhere() throws {
        let line =
            #"{"seq":1,"dir":"s2c","op":"text","dir":"c2s","event":{"type":"a","item":{"id":"i1"},"type":"b","item":{"call_id":"c"}}}"#
        let (error, captured) = scan(line)
        #expect(error == nil)
        #expect(captured[.dir] == "c2s")
        #expect(captured[.type] == "b")
        #expect(captured[.itemDotID] == nil)  // the repeated item has no id
        #expect(captured[.itemDotCallID] == "c")
        // A repeated event forgets everything the first one captured.
        let (_, again) = scan(#"{"dir":"s2c","op":"text","event":{"type":"a","event_id":"e"},"event":{"x":1}}"#)
        #expect(again[.type] == nil && again[.eventID] == nil)
        // An escaped first value does not leave its escape flag on the last.
        var scanner = LineScanner(mode: .bareEvent)
        let bytes = Array(#"{"type":"ab","type":"plain"}"#.utf8)
        _ = bytes.withUnsafeBytes { scanner.scan($0) }
        #expect(!scanner.fields.isEscaped(.type))

        let event = Array(#"{"type":"a","n":1,"type":"b","o":{"k":1,"k":2}}"#.utf8)
        let tape = try #require(JSONTape.parse(event))
        let foundation = try #require(try JSONSerialization.jsonObject(with: Data(event)) as? [String: Any])
        #expect(tape["type"]?.string == "b" && foundation["type"] as? String == "b")
        #expect(tape.int(at: "o.k") == 2 && (foundation["o"] as? [String: Any])?["k"] as? Int == 2)
        var nodes: [Int32] = []
        #expect(tape.memberNodes([Array("type".utf8)], into: &nodes))
        #expect(tape.member(nodes[0]).string == "b")
        #expect(tape.repeatedKey == "k" || tape.repeatedKey == "type")
        #expect(JSONTape.parse(Array(#"{"a":{"b":1},"b":2,"c":[{"a":1},{"a":2}]}"#.utf8))?.hasRepeatedKeys == false)
        // Objects over 16 members take the sorted-hash path.
        let many = (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        #expect(JSONTape.parse(Array("{\(many)}".utf8))?.hasRepeatedKeys == false)
        #expect(JSONTape.parse(Array("{\(many),\"k7\":0}".utf8))?.repeatedKey == "k7")
        #expect(JSONTape.parse(Array("{\(many),\"k7\":0}".utf8))?.int(at: "k7") == 0)
    }

    @Test func reportsDepthOverLimitWithoutRecursing() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let (error, _) = scan(deep)
        #expect(error?.reason == .tooDeep(limit: 64))
    }

    /// Quotes, escapes and non-ASCII bytes at every offset around the 8-byte SWAR boundary.
    @Test func findsSpecialBytesAtEveryWordOffset() {
        for pad in 0..<20 {
            let filler = String(repeating: "A", count: pad)
            for special in ["\\\"", "\\\\", "é", "日", "🎧", "\\u0041"] {
                let text = #"{"event":{"type":""# + filler + special + filler + #"x"}}"#
                let (error, captured) = scan(text)
                #expect(error == nil, "\(text)")
                let expected = filler + JSONText.unescape(Array(special.utf8).withUnsafeBytes { $0 }) + filler + "x"
                #expect(captured[.type] == expected)
            }
            let control = #"{"a":""# + filler + "\u{01}" + filler + #""}"#
            #expect(scan(control).0?.reason == .controlCharacterInString)
        }
    }

    /// Differential check against Foundation on mutated real-shaped events (fixed seed).
    @Test func agreesWithFoundationOnMutatedLines() throws {
        let seeds = [
            #"{"type":"response.text.delta","event_id":"event_1","response_id":"resp_1","delta":"Hello \"you\" é"}"#,
            #"{"type":"session.update","session":{"modalities":["text"],"temperature":0.8,"tools":[],"x":null}}"#,
            #"{"a":[1,-2.5e3,true,false,null,{"b":"\u00e9"}]}"#,
        ]
        var rng = SplitMix64(seed: 42)
        let alphabet = Array(#"{}[]":,\ 0123456789.-eEtrufalsn"#.utf8) + [0x0A, 0x01, 0xC3, 0xA9, 0xFF]
        var checked = 0
        for seed in seeds {
            for _ in 0..<2000 {
                let bytes = rng.mutated(Array(seed.utf8), alphabet: alphabet)
                guard !bytes.contains(0x0A) else { continue }
                let foundation =
                    (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil
                var scanner = LineScanner()
                let ours = bytes.withUnsafeBytes { scanner.scan($0) } == nil
                // Foundation is lenient about a few things RFC 8259 forbids; never the other way round.
                if ours { #expect(foundation, "\(String(decoding: bytes, as: UTF8.self))") }
                if foundation && !ours {
                    let text = String(decoding: bytes, as: UTF8.self)
                    #expect(bytes.contains { $0 >= 0x80 || $0 < 0x20 } || text.contains("\\u"), "\(text)")
                }
                checked += 1
            }
        }
        #expect(checked > 5000)
    }
}

extension SplitMix64 {
    /// `bytes` with one to three random edits (replace, remove or insert a byte of `alphabet`); never empty.
    mutating func mutated(_ bytes: [UInt8], alphabet: [UInt8]) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<Int(next() % 3 + 1) {
            let at = Int(next() % UInt64(bytes.count))
            switch next() % 3 {
            case 0: bytes[at] = alphabet[Int(next() % UInt64(alphabet.count))]
            case 1: bytes.remove(at: at)
            default: bytes.insert(alphabet[Int(next() % UInt64(alphabet.count))], at: at)
            }
            if bytes.isEmpty { bytes = [0x7B] }
        }
        return bytes
    }
}

/// A small deterministic generator for reproducible randomized tests.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The tape parser against Foundation: every scalar reachable by a path reads the same.
struct JSONTapeTests {
    static func walk(_ foundation: Any, _ tape: JSONValue, _ path: String = "") {
        switch foundation {
        case let dict as [String: Any]:
            #expect(tape.isObject, "\(path)")
            #expect(tape.count == dict.count, "\(path)")
            for (key, value) in dict {
                guard let child = tape[key] else {
                    Issue.record("missing \(path).\(key)")
                    continue
                }
                #expect(child.key == key)
                walk(value, child, path + "." + key)
            }
        case let array as [Any]:
            #expect(tape.isArray && tape.count == array.count, "\(path)")
            for (i, value) in array.enumerated() { if let element = tape[i] { walk(value, element, path + ".\(i)") } }
        case let string as String:
            #expect(tape.string == string, "\(path)")
        case is NSNull:
            #expect(tape.isNull, "\(path)")
        case let number as NSNumber:
            if String(cString: number.objCType) == "c" {
                #expect(tape.bool == number.boolValue, "\(path)")
            } else {
                #expect(tape.double == number.doubleValue, "\(path)")
            }
        default:
            Issue.record("unexpected value at \(path)")
        }
    }

    @Test(arguments: [
        #"{"a":"x\ny","b":"q\"r","c":"\\","d":"\u00e9\ud83c\udfa7","e":"tab\there","f":"end\\"}"#,
        #"{"n":[0,-1,2.5,-3e2,1E+3],"t":true,"f":false,"z":null,"o":{},"l":[],"s":""}"#,
        #"{"deep":{"a":[{"b":[[1],[2,{"c":"d"}]]}]},"after":1}"#,
        #"  { "spaced" : [ 1 , 2 ] , "k" : "v" }  "#,
        #"{"type":"response.text.delta","delta":" ok\n then \"so\" 🎧","obfuscation":"x"}"#,
    ])
    func readsLikeFoundation(_ text: String) throws {
        let foundation = try JSONSerialization.jsonObject(with: Data(text.utf8))
        let tape = try #require(JSONTape.parse(Array(text.utf8)))
        Self.walk(foundation, tape)
    }

    @Test func readsEverySampleLikeFoundation() throws {
        for path in TestPaths.samples + TestPaths.fixtures.map(TestPaths.fixture) {
            let bytes = Array(FileManager.default.contents(atPath: path) ?? Data())
            for raw in bytes.split(separator: 0x0A) {
                let line = raw.starts(with: [0xEF, 0xBB, 0xBF]) ? raw.dropFirst(3) : raw  // the reader strips a BOM
                guard let foundation = try? JSONSerialization.jsonObject(with: Data(line)) else { continue }
                let tape = try #require(JSONTape.parse(Array(line)))
                Self.walk(foundation, tape)
            }
        }
    }

    @Test func pathLookupAndRawText() throws {
        let tape = try #require(JSONTape.parse(Array(#"{"a":{"b":[10,{"c":"x\"y"}]}}"#.utf8)))
        #expect(tape.value(at: "a.b.0")?.int == 10)
        #expect(tape.value(at: "a.b.1.c")?.string == "x\"y")
        #expect(tape.value(at: "a.b.1.c")?.rawText == #""x\"y""#)
        #expect(tape.value(at: "a.b")?.rawText == #"[10,{"c":"x\"y"}]"#)
        #expect(tape.value(at: "a.missing") == nil)
        #expect(tape.value(at: "a.b.7") == nil)
        #expect(JSONTape.parse(Array(#"{"a":"#.utf8)) == nil)
    }
}
