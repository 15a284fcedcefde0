public import RealtimeProtocol

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A value inside a `JSONTape`: cheap to copy (a reference and an index).
public struct JSONValue: @unchecked Sendable {
    let tape: JSONTape
    let index: Int32

    private var node: JSONTape.Node { tape.nodes[Int(index)] }

    /// The tape the value lives in (to hand it back for reuse once nothing holds the document's values).
    public var document: JSONTape { tape }

    /// The JSON kind (`integer` for numbers without fraction or exponent).
    public var kind: JSONKind {
        switch node.kind {
        case 1: return .object
        case 2: return .array
        case 3: return .string
        case 5, 6: return .boolean
        case 7: return .null
        default:
            let n = node
            for k in Int(n.start)..<Int(n.end) where tape.bytes[k] == 0x2E || tape.bytes[k] | 0x20 == 0x65 {
                return .number
            }
            return .integer
        }
    }

    public var isNull: Bool { node.kind == 7 }
    public var isObject: Bool { node.kind == 1 }
    public var isArray: Bool { node.kind == 2 }

    /// The string value (escapes decoded), or `nil` for other kinds.
    public var string: String? {
        let n = node
        guard n.kind == 3 else { return nil }
        // `unescape` decodes escapes only when the body has a backslash, else it just copies.
        return tape.bytes.withUnsafeBytes { raw in
            JSONText.unescape(UnsafeRawBufferPointer(rebasing: raw[Int(n.start)..<Int(n.end)]))
        }
    }

    /// The integer value of an integer number.
    public var int: Int? {
        let n = node
        guard n.kind == 4 else { return nil }
        return JSONText.integer(tape.bytes[Int(n.start)..<Int(n.end)]).map { Int($0) }
    }

    /// The value of any number.
    public var double: Double? {
        let n = node
        guard n.kind == 4 else { return nil }
        return int.map(Double.init) ?? Double(String(decoding: tape.bytes[Int(n.start)..<Int(n.end)], as: UTF8.self))
    }

    public var bool: Bool? { node.kind == 5 ? true : node.kind == 6 ? false : nil }

    /// The value's JSON text exactly as it appeared (strings with their quotes).
    public var rawText: String {
        let n = node
        let quote = n.kind == 3 ? 1 : 0
        return String(decoding: tape.bytes[(Int(n.start) - quote)..<(Int(n.end) + quote)], as: UTF8.self)
    }

    /// Number of elements or members.
    public var count: Int { Int(node.count) }

    /// Elements of an array (or member values of an object), in order.
    public var children: [JSONValue] {
        guard node.kind == 1 || node.kind == 2, node.count > 0 else { return [] }
        var out: [JSONValue] = []
        out.reserveCapacity(Int(node.count))
        var k = index + 1
        while k >= 0 {
            out.append(JSONValue(tape: tape, index: k))
            k = tape.nodes[Int(k)].next
        }
        return out
    }

    /// The first key in the document that repeats a key of the same object (`nil` when none does).
    ///
    /// Lookups then read the last member of that name, as `JSONSerialization`, `jq` and JavaScript do.
    public var repeatedKey: String? {
        let duplicate = tape.duplicate(inDocumentOf: index)
        return duplicate < 0 ? nil : JSONValue(tape: tape, index: duplicate).key
    }

    /// Whether some object in the document repeats a key (see `repeatedKey`); no allocation.
    public var hasRepeatedKeys: Bool { tape.duplicate(inDocumentOf: index) >= 0 }

    /// The member key of this value inside its object.
    public var key: String? {
        let n = node
        guard n.keyStart >= 0 else { return nil }
        // Escapes decoded, as `string` does (a key written `"a\u0062"` reads `ab`).
        return tape.bytes.withUnsafeBytes { raw in
            JSONText.unescape(UnsafeRawBufferPointer(rebasing: raw[Int(n.keyStart)..<Int(n.keyEnd)]))
        }
    }

    /// The member named `name`.
    public subscript(_ name: String) -> JSONValue? {
        var name = name
        let found = name.withUTF8 { tape.member(of: index, named: UnsafeRawBufferPointer($0)) }
        return found.map { JSONValue(tape: tape, index: $0) }
    }

    /// The element at `i` of an array.
    public subscript(_ i: Int) -> JSONValue? {
        tape.element(of: index, at: i).map { JSONValue(tape: tape, index: $0) }
    }

    /// Whether the raw contents of this string are exactly `text`'s UTF-8 (no decoding, no allocation).
    public func rawEquals(_ text: String) -> Bool {
        let n = node
        guard n.kind == 3 else { return false }
        var text = text
        return text.withUTF8 { utf8 in
            guard utf8.count == Int(n.end - n.start) else { return false }
            return tape.bytes.withUnsafeBytes { raw in
                guard let base = raw.baseAddress, let other = utf8.baseAddress else { return utf8.isEmpty }
                return memcmp(base + Int(n.start), other, utf8.count) == 0
            }
        }
    }

    /// Calls `body` with a string's raw contents (escapes not decoded) or a token's bytes, in place.
    public func withRawBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let n = node
        return try tape.bytes.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[Int(n.start)..<Int(n.end)]))
        }
    }

    /// The length in bytes of a string's raw contents (escapes not decoded) or of a token.
    public var byteCount: Int { Int(node.end - node.start) }

    /// The last byte of a string's raw contents or of a token (`nil` when empty).
    public func byte(fromEnd offset: Int) -> UInt8? {
        let n = node
        let k = Int(n.end) - 1 - offset
        return k >= Int(n.start) ? tape.bytes[k] : nil
    }

    /// FNV-1a of the value's bytes (string contents, or the token), for cheap identity checks.
    public var bytesHash: UInt64 {
        let n = node
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for k in Int(n.start)..<Int(n.end) {
            hash ^= UInt64(tape.bytes[k])
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// Finds the members named `keys` in one pass over an object, as node numbers of this value's tape.
    ///
    /// As the subscript does, the last member of each name counts: `found[k]` is the node of `keys[k]`, or -1.
    /// `found` is reused storage, resized to `keys.count`. Read the nodes with `member(_:)` or `kind(ofNode:)`.
    /// Returns `false` (and finds nothing) when this is not an object.
    public func memberNodes(_ keys: [[UInt8]], into found: inout [Int32]) -> Bool {
        if found.count != keys.count { found = Array(repeating: -1, count: keys.count) }
        for k in found.indices { found[k] = -1 }
        let parent = node
        guard parent.kind == 1 else { return false }
        guard parent.count > 0 else { return true }
        tape.bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var child = index + 1
            while child >= 0 {
                let n = tape.nodes[Int(child)]
                let length = Int(n.keyEnd - n.keyStart)
                for (k, key) in keys.enumerated() where key.count == length {
                    let same = key.withUnsafeBytes { k in
                        k.baseAddress.map { memcmp(base + Int(n.keyStart), $0, length) == 0 } ?? true
                    }
                    if same {
                        found[k] = child
                        break
                    }
                }
                child = n.next
            }
        }
        return true
    }

    /// The value at node `node` of this value's tape (from `memberNodes`).
    public func member(_ node: Int32) -> JSONValue { JSONValue(tape: tape, index: node) }

    /// The kind of node `node` of this value's tape.
    public func kind(ofNode node: Int32) -> JSONKind { JSONValue(tape: tape, index: node).kind }

    /// Whether a string's raw contents contain an escape (so `rawEquals` and `byteCount` are of the escaped form).
    public var isEscapedString: Bool {
        let n = node
        guard n.kind == 3 else { return false }
        return tape.bytes.withUnsafeBytes { raw in
            raw.baseAddress.map { memchr($0 + Int(n.start), 0x5C, Int(n.end - n.start)) != nil } ?? false
        }
    }

    /// The node at `path`, or -1.
    @inline(__always)
    private func node(at path: String) -> Int32 {
        var path = path
        return path.withUTF8 { tape.lookup(from: index, path: UnsafeRawBufferPointer($0)) } ?? -1
    }

    /// `value(at: path)?.string`, without making a value for the field (no reference counting).
    public func string(at path: String) -> String? {
        let found = node(at: path)
        return found < 0 ? nil : JSONValue(tape: tape, index: found).string
    }

    /// The integer at `path` (`nil` unless its kind is `integer`), without making a value for the field.
    public func int(at path: String) -> Int? {
        let found = node(at: path)
        guard found >= 0 else { return nil }
        let value = JSONValue(tape: tape, index: found)
        return value.kind == .integer ? value.int : nil
    }

    /// `value(at: path)?.double`, without making a value for the field.
    public func double(at path: String) -> Double? {
        let found = node(at: path)
        return found < 0 ? nil : JSONValue(tape: tape, index: found).double
    }

    /// `value(at: path)?.kind`, without making a value for the field.
    public func kind(at path: String) -> JSONKind? {
        let found = node(at: path)
        return found < 0 ? nil : JSONValue(tape: tape, index: found).kind
    }

    /// The value at a dot-separated path (numeric components index arrays), without allocating.
    public func value(at path: String) -> JSONValue? {
        var path = path
        let found = path.withUTF8 { tape.lookup(from: index, path: UnsafeRawBufferPointer($0)) }
        return found.map { JSONValue(tape: tape, index: $0) }
    }
}

extension JSONValue {
    /// A value held without a reference to its tape: no reference count is written to hold it or to let it go.
    ///
    /// For a holder that knows the value outlives it: the validator's current event, valid during one check while
    /// the caller holds the event. Writing the tape's reference count from the rules' thread made the reading thread,
    /// which reuses the tape, wait for that cache line at its next use: a quarter of a microsecond an event each way.
    /// `value` after the tape is gone is undefined behaviour.
    public struct Unretained {
        private let tape: Unmanaged<JSONTape>
        private let index: Int32

        public init(_ value: JSONValue) {
            tape = .passUnretained(value.tape)
            index = value.index
        }

        /// The value (retained from here on).
        public var value: JSONValue { JSONValue(tape: tape.takeUnretainedValue(), index: index) }
    }
}
