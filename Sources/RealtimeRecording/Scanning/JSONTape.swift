#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A parsed JSON document kept as a flat tape of nodes over its own bytes.
///
/// Built for the validator's hot path: parsing makes one pass and one node per value (strings
/// are skipped with `memchr`, never copied or decoded), and reading a field walks sibling links
/// comparing key bytes in place. Strings are decoded only when asked for. The input should be
/// valid JSON (the line scanner checks that first); on malformed input `parse` returns `nil`
/// rather than trapping.
public final class JSONTape: @unchecked Sendable {
    struct Node: Equatable {
        var kind: UInt8  // 1 object, 2 array, 3 string, 4 number, 5 true, 6 false, 7 null
        var escaped: Bool
        var start: Int32  // value span (string: contents without quotes)
        var end: Int32
        var keyStart: Int32  // member key contents, -1 when not an object member
        var keyEnd: Int32
        var next: Int32  // next sibling, -1 for the last
        var count: Int32  // children, for containers
    }

    /// The document's bytes and nodes; replaced only by `parse(_:reusing:)` while nothing else holds the tape.
    var bytes: [UInt8]
    var nodes: [Node]
    /// The first member found whose key repeats an earlier key of the same object, or -1 (the document then has no
    /// repeated keys, and a lookup can stop at the first match).
    ///
    /// On a batch tape (`JSONTape.batch()`), the first repeated key of any of its documents; `repeated` says whose.
    var duplicateNode: Int32 = -1
    /// Batch tapes only: the documents with a repeated key, as (root node, end of its nodes, first repeated key).
    var repeated: [(root: Int32, end: Int32, duplicate: Int32)] = []
    /// Whether the tape holds several documents one after another (see `JSONTape+Batch.swift`).
    var isBatch = false
    /// Parse scratch, kept with the tape so a reused tape parses without allocating.
    private var stack: [(Int32, Int32)] = []

    init(bytes: [UInt8], nodes: [Node]) {
        self.bytes = bytes
        self.nodes = nodes
    }

    /// The bytes the tape's storage can hold without growing.
    public var capacity: Int { bytes.capacity }

    /// Parses `bytes` (one JSON value); returns its root, or `nil` when the text is not valid JSON.
    public static func parse(_ bytes: [UInt8]) -> JSONValue? {
        var nodes: [Node] = []
        var stack: [(Int32, Int32)] = []
        var duplicate: Int32 = -1
        guard build(bytes, into: &nodes, stack: &stack, duplicate: &duplicate) else { return nil }
        let tape = JSONTape(bytes: bytes, nodes: nodes)
        tape.duplicateNode = duplicate
        return JSONValue(tape: tape, index: 0)
    }

    /// Parses the bytes of a buffer (copied).
    public static func parse(_ raw: UnsafeRawBufferPointer) -> JSONValue? {
        parse(Array(raw.assumingMemoryBound(to: UInt8.self)))  // typed: one memcpy
    }

    /// Parses the bytes of a buffer (copied) into `tape`'s storage when no value of the previous document is still
    /// held anywhere, so a reader that parses one line after another allocates nothing in the steady state; otherwise
    /// into a new tape, which then becomes `tape`.
    public static func parse(_ raw: UnsafeRawBufferPointer, reusing tape: inout JSONTape?) -> JSONValue? {
        guard isKnownUniquelyReferenced(&tape), let reused = tape, !reused.isBatch else {
            let value = parse(raw)
            tape = value?.tape
            return value
        }
        reused.bytes.removeAll(keepingCapacity: true)
        reused.bytes.append(contentsOf: raw.assumingMemoryBound(to: UInt8.self))  // typed: one memcpy
        reused.nodes.removeAll(keepingCapacity: true)
        reused.duplicateNode = -1
        guard build(reused.bytes, into: &reused.nodes, stack: &reused.stack, duplicate: &reused.duplicateNode) else {
            return nil
        }
        return JSONValue(tape: reused, index: 0)
    }

    /// The event of a scanned line as a tape, from the nodes the scanner built (`LineScanner.buildsTape`) instead of a
    /// second pass over its bytes; stored into `tape` when nothing else holds it, as `parse(_:reusing:)` does.
    ///
    /// `line` is the scanned line; `scanned` must come from that scan.
    public static func adopt(
        _ scanned: ScannedTape, of line: UnsafeRawBufferPointer, reusing tape: inout JSONTape?
    ) -> JSONValue {
        let raw = UnsafeRawBufferPointer(rebasing: line[scanned.start..<scanned.end]).assumingMemoryBound(
            to: UInt8.self)
        guard isKnownUniquelyReferenced(&tape), let reused = tape, !reused.isBatch else {
            let made = JSONTape(bytes: Array(raw), nodes: Array(scanned.nodes))
            made.duplicateNode = scanned.duplicate
            tape = made
            return JSONValue(tape: made, index: 0)
        }
        reused.bytes.removeAll(keepingCapacity: true)
        reused.bytes.append(contentsOf: raw)
        reused.nodes.removeAll(keepingCapacity: true)
        reused.nodes.append(contentsOf: scanned.nodes)
        reused.duplicateNode = scanned.duplicate
        return JSONValue(tape: reused, index: 0)
    }

    /// Builds the nodes of `bytes`.
    ///
    /// `stack` is scratch (containers open at the current point), reused across parses. `duplicate` gets the first member whose key repeats one of its object (see `duplicateNode`).
    private static func build(
        _ bytes: [UInt8], into nodes: inout [Node], stack: inout [(Int32, Int32)], duplicate: inout Int32
    ) -> Bool {
        stack.removeAll(keepingCapacity: true)
        return bytes.withUnsafeBufferPointer { buf -> Bool in
            guard let p = buf.baseAddress else { return false }
            let n = buf.count
            nodes.reserveCapacity(16)
            var i = 0
            // `stack` holds (container node, last child node).
            var pendingKey: (Int32, Int32) = (-1, -1)
            func skipSpace() {
                while i < n, p[i] == 0x20 || p[i] == 0x0A || p[i] == 0x0D || p[i] == 0x09 { i += 1 }
            }
            func link(_ node: Int32) {
                guard let top = stack.last else { return }
                if top.1 >= 0 { nodes[Int(top.1)].next = node }
                stack[stack.count - 1].1 = node
                nodes[Int(top.0)].count += 1
            }
            /// The closing quote of a string starting at `start`, and whether the body has escapes.
            func stringEnd(from start: Int) -> (Int, Bool)? {
                var k = start
                while k < n {
                    guard let hit = memchr(p + k, 0x22, n - k) else { return nil }
                    let q = UnsafeRawPointer(p).distance(to: hit)
                    var slashes = 0
                    while q - slashes - 1 >= start, p[q - slashes - 1] == 0x5C { slashes += 1 }
                    if slashes % 2 == 0 { return (q, false) }  // escapes are looked for when the string is read
                    k = q + 1
                }
                return nil
            }
            while true {
                skipSpace()
                guard i < n else { return false }
                let inObject = stack.last.map { nodes[Int($0.0)].kind == 1 } ?? false
                // Close containers, commas, keys.
                if p[i] == 0x7D || p[i] == 0x5D {
                    guard let top = stack.popLast() else { return false }
                    nodes[Int(top.0)].end = Int32(i + 1)
                    if duplicate < 0, nodes[Int(top.0)].kind == 1, nodes[Int(top.0)].count > 1 {
                        duplicate = nodes.withUnsafeBufferPointer { all in
                            all.baseAddress.map { repeatedKey(in: top.0, $0, p) } ?? -1
                        }
                    }
                    i += 1
                    if stack.isEmpty { break }
                    skipSpace()
                    if i < n, p[i] == 0x2C { i += 1 }
                    continue
                }
                if inObject {
                    guard p[i] == 0x22, let (end, _) = stringEnd(from: i + 1) else { return false }
                    pendingKey = (Int32(i + 1), Int32(end))
                    i = end + 1
                    skipSpace()
                    guard i < n, p[i] == 0x3A else { return false }
                    i += 1
                    skipSpace()
                    guard i < n else { return false }
                }
                let index = Int32(nodes.count)
                let start = i
                var node = Node(
                    kind: 0, escaped: false, start: Int32(start), end: 0, keyStart: pendingKey.0, keyEnd: pendingKey.1,
                    next: -1, count: 0)
                pendingKey = (-1, -1)
                switch p[i] {
                case 0x7B, 0x5B:
                    node.kind = p[i] == 0x7B ? 1 : 2
                    nodes.append(node)
                    link(index)
                    stack.append((index, -1))
                    i += 1
                    continue
                case 0x22:
                    guard let (end, escaped) = stringEnd(from: i + 1) else { return false }
                    node.kind = 3
                    node.escaped = escaped
                    node.start = Int32(i + 1)
                    node.end = Int32(end)
                    i = end + 1
                case 0x74, 0x66, 0x6E:
                    node.kind = p[i] == 0x74 ? 5 : p[i] == 0x66 ? 6 : 7
                    while i < n, p[i] >= 0x61, p[i] <= 0x7A { i += 1 }
                    node.end = Int32(i)
                default:
                    node.kind = 4
                    while i < n,
                        (p[i] >= 0x30 && p[i] <= 0x39) || p[i] == 0x2D || p[i] == 0x2B || p[i] == 0x2E
                            || p[i] | 0x20 == 0x65
                    {
                        i += 1
                    }
                    guard i > start else { return false }
                    node.end = Int32(i)
                }
                nodes.append(node)
                link(index)
                if stack.isEmpty { break }
                skipSpace()
                if i < n, p[i] == 0x2C { i += 1 }
            }
            return !nodes.isEmpty
        }
    }
}

extension JSONTape {
    /// The first member of the object at `index` whose key repeats an earlier member's key, or -1.
    ///
    /// Cost: up to 16 members, one pass over their key lengths, then (only when two lengths collide) a pairwise
    /// comparison (bytes only when lengths match); above that, key hashes sorted, so a huge object costs
    /// O(n log n), never O(n²).
    static func repeatedKey(in index: Int32, _ nodes: UnsafePointer<Node>, _ p: UnsafePointer<UInt8>) -> Int32 {
        func same(_ a: Node, _ b: Node) -> Bool {
            let length = Int(a.keyEnd - a.keyStart)
            return length == Int(b.keyEnd - b.keyStart)
                && memcmp(p + Int(a.keyStart), p + Int(b.keyStart), length) == 0
        }
        if nodes[Int(index)].count <= 16 {
            // Most objects have keys of distinct lengths: one pass over a bit per length rules them out.
            var lengths: UInt64 = 0
            var collision = false
            var k = index + 1
            while k >= 0 {
                let bit: UInt64 = 1 << UInt64((nodes[Int(k)].keyEnd - nodes[Int(k)].keyStart) & 63)
                collision = collision || lengths & bit != 0
                lengths |= bit
                k = nodes[Int(k)].next
            }
            guard collision else { return -1 }
            var b = nodes[Int(index + 1)].next
            while b >= 0 {
                var a = index + 1
                while a != b {
                    if same(nodes[Int(a)], nodes[Int(b)]) { return b }
                    a = nodes[Int(a)].next
                }
                b = nodes[Int(b)].next
            }
            return -1
        }
        var keyed: [(hash: UInt64, node: Int32)] = []
        keyed.reserveCapacity(Int(nodes[Int(index)].count))
        var k = index + 1
        while k >= 0 {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in Int(nodes[Int(k)].keyStart)..<Int(nodes[Int(k)].keyEnd) {
                hash = (hash ^ UInt64(p[b])) &* 0x0000_0100_0000_01B3
            }
            keyed.append((hash, k))
            k = nodes[Int(k)].next
        }
        keyed.sort { ($0.hash, $0.node) < ($1.hash, $1.node) }
        var found: Int32 = -1
        var run = 0
        for j in 1..<keyed.count {
            if keyed[j].hash != keyed[run].hash {
                run = j
                continue
            }
            for r in run..<j where same(nodes[Int(keyed[r].node)], nodes[Int(keyed[j].node)]) {
                found = found < 0 ? keyed[j].node : min(found, keyed[j].node)
                break
            }
        }
        return found
    }

    /// The node index of member `name` of the object at `index` (the last one, when the key repeats).
    func member(of index: Int32, named name: UnsafeRawBufferPointer) -> Int32? {
        let parent = nodes[Int(index)]
        guard parent.kind == 1, parent.count > 0 else { return nil }
        return bytes.withUnsafeBytes { raw -> Int32? in
            guard let base = raw.baseAddress else { return nil }
            var found: Int32?
            var k = index + 1
            while k >= 0 {
                let child = nodes[Int(k)]
                if Int(child.keyEnd - child.keyStart) == name.count,
                    name.count == 0
                        || name.baseAddress.map({ memcmp(base + Int(child.keyStart), $0, name.count) == 0 }) == true
                {
                    if duplicateNode < 0 { return k }  // no repeated keys: the first match is the only one
                    found = k
                }
                k = child.next
            }
            return found
        }
    }

    /// The node index of element `i` of the array at `index`.
    func element(of index: Int32, at i: Int) -> Int32? {
        let parent = nodes[Int(index)]
        guard parent.kind == 2, i >= 0, i < Int(parent.count) else { return nil }
        var k = index + 1
        for _ in 0..<i { k = nodes[Int(k)].next }
        return k
    }

    /// Follows a dot path from node `index` (see `JSONPath` for the syntax).
    func lookup(from index: Int32, path: UnsafeRawBufferPointer) -> Int32? {
        JSONPath.walk(
            path, from: index, isArray: { nodes[Int($0)].kind == 2 }, element: { element(of: $0, at: $1) },
            member: { member(of: $0, named: $1) })
    }
}
