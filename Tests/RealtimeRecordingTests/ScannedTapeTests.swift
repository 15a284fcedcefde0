import Foundation
import Testing

@testable import RealtimeRecording

/// The tape the scanner builds during its pass (`LineScanner.buildsTape`) against `JSONTape.parse` of the same bytes:
/// every node and the first repeated key must be the same, on every sample and on mutated events.
struct ScannedTapeTests {
    /// The event of `line` both ways: from the scanner's nodes, and parsed from its bytes.
    private static func bothWays(_ line: [UInt8], mode: LineScanner.Mode = .record) -> (JSONTape, JSONTape)? {
        var scanner = LineScanner(mode: mode)
        scanner.buildsTape = true
        return line.withUnsafeBytes { raw -> (JSONTape, JSONTape)? in
            guard scanner.scan(raw) == nil, let scanned = scanner.fields.tape else { return nil }
            var reused: JSONTape?
            let built = JSONTape.adopt(scanned, of: raw, reusing: &reused)
            let bytes = Array(raw[scanned.start..<scanned.end])
            guard let parsed = JSONTape.parse(bytes) else {
                Issue.record("the scanner built a tape for bytes the parser refuses")
                return nil
            }
            return (built.tape, parsed.tape)
        }
    }

    private static func expectSame(_ line: [UInt8], mode: LineScanner.Mode = .record) -> Bool {
        guard let (built, parsed) = bothWays(line, mode: mode) else { return false }
        #expect(built.nodes == parsed.nodes, "\(String(decoding: line, as: UTF8.self))")
        #expect(built.duplicateNode == parsed.duplicateNode, "\(String(decoding: line, as: UTF8.self))")
        #expect(built.bytes == parsed.bytes)
        return true
    }

    @Test func everySampleLineBuildsTheParsersTape() throws {
        var (objects, built) = (0, 0)
        for path in TestPaths.samples + TestPaths.fixtures.map(TestPaths.fixture) {
            let reader = RecordingReader(
                source: try FileSource(path: path),
                options: {
                    var options = RecordingReader.Options()
                    options.buildsEventTapes = true
                    return options
                }())
            try reader.read { event in
                guard case .line(let line) = event, let span = line.fields.span(.event) else { return true }
                let parsed = JSONTape.parse(line.slice(span))
                let value = line.eventValue()
                #expect(value?.tape.nodes == parsed?.tape.nodes, "\(path):\(line.number)")
                #expect(value?.tape.duplicateNode == parsed?.tape.duplicateNode, "\(path):\(line.number)")
                if line.fields.kind(.event) == .object { objects += 1 }
                if line.fields.tape?.start == span.start { built += 1 }
                return true
            }
        }
        // Every object event of the samples came from the scanner's nodes, not from a second parse.
        #expect(objects > 200)
        #expect(built == objects)
    }

    @Test(arguments: [
        #"{"type":"a","x":{"y":[1,2,{"z":null}],"w":"q\"r"},"t":true,"f":false,"n":-1.5e3}"#,
        #"{ "spaced" : [ 1 , { } , [ ] ] , "k" : "v" , "e" : "\u00e9\\" }"#,
        #"{"a":1,"b":2,"a":3}"#,
        #"{"o":{"k1":1,"k2":2,"k1":3},"p":{"x":1,"x":2}}"#,
        #"{}"#,
    ])
    func recordAndBareLinesBuildTheParsersTape(_ event: String) {
        #expect(Self.expectSame(Array(#"{"t_us":1,"dir":"s2c","op":"text","event":\#(event)}"#.utf8)))
        #expect(Self.expectSame(Array(#"{"event":\#(event),"t_us":1,"dir":"s2c","op":"text"}"#.utf8)))
        #expect(Self.expectSame(Array(event.utf8), mode: .bareEvent))
    }

    @Test func manyMembersGrowTheNodeBuffer() {
        let members = (0..<300).map { #""k\#($0)":[\#($0),{"v":"\#($0)"}]"# }.joined(separator: ",")
        #expect(Self.expectSame(Array(#"{"dir":"s2c","op":"text","event":{\#(members),"k7":0}}"#.utf8)))
        #expect(Self.expectSame(Array(#"{"dir":"s2c","op":"text","event":{\#(members)}}"#.utf8)))
    }

    @Test func theLastEventOfTheLineIsTheOneRead() throws {
        // A repeated `event`: the reader reads the last one (as every JSON reader does), tape or not; a string event is
        // not JSON the reader can read, so the line has no event (never the earlier object's).
        for (line, expected) in [
            (#"{"dir":"s2c","op":"text","event":{"type":"first"},"event":{"type":"second"}}"#, #"{"type":"second"}"#),
            (#"{"dir":"s2c","op":"text","event":{"type":"first"},"event":"second"}"#, nil),
            (
                #"{"dir":"s2c","op":"text","event":{"type":"first"},"event":[{"type":"second"}]}"#,
                #"[{"type":"second"}]"#
            ),
        ] {
            var options = RecordingReader.Options()
            options.buildsEventTapes = true
            let reader = RecordingReader(source: MemorySource(Array((line + "\n").utf8)), options: options)
            var values: [String?] = []
            try reader.read { event in
                if case .line(let line) = event { values.append(line.eventValue()?.rawText) }
                return true
            }
            #expect(values == [expected], "\(line)")
        }
    }

    @Test func objectsThatAreNotTheEventBuildNoTape() {
        var scanner = LineScanner()
        scanner.buildsTape = true
        for line in [#"{"dir":"s2c","op":"text","event":"x"}"#, #"{"dir":"s2c","op":"text","x":{"type":"a"}}"#, "[1]"] {
            let bytes = Array(line.utf8)
            #expect(bytes.withUnsafeBytes { scanner.scan($0) } == nil)
            #expect(scanner.fields.tape == nil, "\(line)")
        }
        var off = LineScanner()
        let bytes = Array(#"{"dir":"s2c","op":"text","event":{"type":"a"}}"#.utf8)
        #expect(bytes.withUnsafeBytes { off.scan($0) } == nil)
        #expect(off.fields.tape == nil)  // off by default
    }

    /// Mutated events (fixed seed): whenever the scanner accepts the line and the event is an object, the two tapes
    /// agree; a line the scanner rejects builds none.
    @Test func mutatedEventsBuildTheParsersTape() {
        let seeds = [
            #"{"type":"response.output_text.delta","event_id":"e1","response_id":"r1","delta":"Hi \"you\" é"}"#,
            #"{"type":"session.update","session":{"modalities":["text"],"temperature":0.8,"tools":[],"x":null}}"#,
            #"{"a":[1,-2.5e3,true,false,null,{"b":"\u00e9","b":{"c":[[],{}]}}],"a":0}"#,
        ]
        var rng = SplitMix64(seed: 7)
        let alphabet = Array(#"{}[]":,\ 0123456789.-eEtrufalsn"#.utf8) + [0x01, 0xC3, 0xA9]
        var compared = 0
        for seed in seeds {
            for _ in 0..<1500 {
                let event = rng.mutated(Array(seed.utf8), alphabet: alphabet)
                let line = Array(#"{"dir":"c2s","op":"text","event":"#.utf8) + event + [0x7D]
                var scanner = LineScanner()
                scanner.buildsTape = true
                let valid = line.withUnsafeBytes { scanner.scan($0) } == nil
                if !valid { #expect(scanner.fields.tape == nil) }
                if Self.expectSame(line) { compared += 1 }
            }
        }
        #expect(compared > 1000)
    }
}
