import Foundation
import RealtimeProtocol
import RealtimeRecording
import Testing

@testable import RealtimeValidation

enum Samples {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static func path(_ name: String) -> String { root.appendingPathComponent("recordings/\(name)").path }
    static var all: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("recordings").path)) ?? [])
            .filter { $0.hasSuffix(".jsonl") }.sorted()
    }
}

/// One frame of a session under test: direction and decoded event (`nil`: not a JSON object).
struct Rec {
    var dir: Direction
    var obj: [String: Any]?
    var opcode = Opcode.text
}

/// A session loaded from a sample, to mutate and validate without touching files.
struct Session {
    var recs: [Rec]
    var dialect: Dialect?

    static func load(_ name: String) throws -> Session {
        let reader = RecordingReader(source: try FileSource(path: Samples.path(name)))
        var recs: [Rec] = []
        try reader.read { event in
            if case .line(let line) = event, line.kind == .frame, let dir = line.direction {
                // Foundation dictionaries: the mutations edit events independently of rtscope's own JSON types.
                let object = line.event().flatMap {
                    (try? JSONSerialization.jsonObject(with: Data($0.encoded.utf8))) as? [String: Any]
                }
                recs.append(Rec(dir: dir, obj: object))
            }
            return true
        }
        return Session(recs: recs, dialect: reader.header?.dialect)
    }

    /// Runs the validator over the session; lines are numbered as in a file with a header.
    ///
    /// With `log`, the findings go there instead (`SessionValidator.log`) and none are returned.
    func validate(
        fastPath: Bool = true, selection: RuleSelection = RuleSelection(), probe: ((String) -> Void)? = nil,
        machine: ProtocolStateMachine = .standard, log: FindingLog? = nil
    ) -> [Finding] {
        var validator = SessionValidator(declaredDialect: dialect, selection: selection, machine: machine)
        validator.fastPathEnabled = fastPath
        validator.ruleProbe = probe
        validator.log = log
        var findings: [Finding] = []
        for (i, rec) in recs.enumerated() {
            findings += validator.consume(
                ValidatorEvent(
                    line: i + 2, index: i + 1, tUs: Int64(i) * 1000, direction: rec.dir, opcode: rec.opcode,
                    object: rec.obj.flatMap(tape))
            )
        }
        return findings + validator.finish()
    }

    func positions(_ type: String) -> [Int] {
        recs.indices.filter { recs[$0].obj?["type"] as? String == type }
    }

    func at(_ type: String, _ nth: Int = 0) -> Int {
        let all = positions(type)
        precondition(nth < all.count, "no \(type) #\(nth)")
        return all[nth < 0 ? all.count + nth : nth]
    }

    mutating func edit(_ type: String, _ nth: Int = 0, _ change: (inout [String: Any]) -> Void) {
        let i = at(type, nth)
        var obj = recs[i].obj ?? [:]
        change(&obj)
        recs[i].obj = obj
    }

    mutating func remove(_ type: String, _ nth: Int = 0) { recs.remove(at: at(type, nth)) }

    mutating func insert(_ dir: Direction, _ obj: [String: Any], after type: String, _ nth: Int = 0) {
        recs.insert(Rec(dir: dir, obj: obj), at: at(type, nth) + 1)
    }

    mutating func move(_ type: String, _ nth: Int, after other: String, _ otherNth: Int = 0) {
        let rec = recs.remove(at: at(type, nth))
        recs.insert(rec, at: at(other, otherNth) + 1)
    }

    mutating func truncate(after type: String, _ nth: Int = 0) { recs.removeSubrange((at(type, nth) + 1)...) }
}

/// A Foundation dictionary as the validator sees it: serialized, then parsed onto a tape.
func tape(_ object: [String: Any]) -> JSONValue? {
    guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes]) else {
        return nil
    }
    return JSONTape.parse(Array(data))
}

extension Dictionary where Key == String, Value == Any {
    /// Sets a dot-path value (numeric components index arrays); `nil` removes the key.
    mutating func set(_ path: String, _ value: Any?) {
        var parts = path.split(separator: ".").map(String.init)
        let key = parts.removeFirst()
        if parts.isEmpty {
            self[key] = value
            return
        }
        self[key] = Self.setting(self[key], parts, value)
    }

    private static func setting(_ node: Any?, _ path: [String], _ value: Any?) -> Any? {
        guard let head = path.first else { return value }
        let rest = Array(path.dropFirst())
        if var dict = node as? [String: Any] {
            dict[head] = rest.isEmpty ? value : setting(dict[head], rest, value)
            return dict
        }
        if var array = node as? [Any], let i = Int(head), i < array.count {
            array[i] = (rest.isEmpty ? value : setting(array[i], rest, value)) ?? NSNull()
            return array
        }
        return node
    }
}
