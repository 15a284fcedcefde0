/// The event's `JSONTape` nodes, built by `LineScanner` during its validating pass (`LineScanner.buildsTape`).
///
/// Without it a reader that wants the event as a tape scans each line twice: once to validate it, then again to
/// build the tape (`JSONTape.parse`). With it, the scanner appends a node at each value it meets inside the event,
/// exactly the nodes `JSONTape.parse` would build from the event's bytes (same kinds, spans relative to the event's
/// first byte, sibling links, child counts, and first repeated key), so the tape is made by copying them.
///
/// - Which object: the value of `event` (record mode) or the whole line (bare-event mode), when it is an object. With a
///   repeated `event` key the last object wins, as in the scanner's captures; a reader must check that
///   `ScannedTape.start` is the start of the captured `event` span before using the nodes.
/// - Valid until the next scan. Memory: one node array grown to the largest event seen, and a stack of
///   `maxDepth + 2` entries.
struct TapeScratch {
    var enabled = false
    /// A root object is open and nodes are being added.
    var building = false
    /// The root object closed on this line.
    var complete = false
    /// Offset in the line of the root's `{`, and one past its `}`.
    var base = 0
    var end = 0
    var nodes: UnsafeMutablePointer<JSONTape.Node>
    var count = 0
    var capacity: Int
    /// Open containers: (node, its last child so far, or -1).
    let stack: UnsafeMutablePointer<(Int32, Int32)>
    var top = 0
    var keyStart: Int32 = -1
    var keyEnd: Int32 = -1
    var duplicate: Int32 = -1

    init(maxDepth: Int) {
        capacity = 64
        nodes = .allocate(capacity: capacity)
        stack = .allocate(capacity: maxDepth + 2)
    }

    func deallocate() {
        nodes.deallocate()
        stack.deallocate()
    }

    /// Starts a root object at line offset `at` (dropping what an earlier root on the line built).
    @inline(__always)
    mutating func begin(at: Int) {
        building = true
        complete = false
        base = at
        count = 0
        top = 0
        duplicate = -1
        keyStart = -1
        keyEnd = -1
        open(kind: 1, at: at)
    }

    /// Notes a member key (line offsets of its contents, without quotes).
    @inline(__always)
    mutating func key(_ start: Int, _ end: Int) {
        keyStart = Int32(start - base)
        keyEnd = Int32(end - base)
    }

    /// Adds a container (kind 1 object, 2 array) whose bracket is at line offset `at`.
    @inline(__always)
    mutating func open(kind: UInt8, at: Int) {
        let index = add(kind: kind, start: at, end: at)
        stack[top] = (index, -1)
        top += 1
    }

    /// Adds a scalar (3 string contents, 4 number, 5 true, 6 false, 7 null) spanning line offsets `start..<end`.
    @inline(__always)
    mutating func scalar(kind: UInt8, start: Int, end: Int) {
        _ = add(kind: kind, start: start, end: end)
    }

    /// Closes the innermost container at line offset `at` (its bracket); `line` is the line's first byte.
    @inline(__always)
    mutating func close(at: Int, line: UnsafePointer<UInt8>) {
        top -= 1
        let index = Int(stack[top].0)
        nodes[index].end = Int32(at + 1 - base)
        if duplicate < 0, nodes[index].kind == 1, nodes[index].count > 1 {
            duplicate = JSONTape.repeatedKey(in: Int32(index), UnsafePointer(nodes), line + base)
        }
        if top == 0 {
            building = false
            complete = true
            end = at + 1
        }
    }

    @inline(__always)
    private mutating func add(kind: UInt8, start: Int, end: Int) -> Int32 {
        if count == capacity { grow() }
        let index = Int32(count)
        nodes[count] = JSONTape.Node(
            kind: kind, escaped: false, start: Int32(start - base), end: Int32(end - base), keyStart: keyStart,
            keyEnd: keyEnd, next: -1, count: 0)
        count += 1
        keyStart = -1
        keyEnd = -1
        if top > 0 {
            let (parent, last) = stack[top - 1]
            if last >= 0 { nodes[Int(last)].next = index }
            stack[top - 1].1 = index
            nodes[Int(parent)].count += 1
        }
        return index
    }

    private mutating func grow() {
        let bigger = UnsafeMutablePointer<JSONTape.Node>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: nodes, count: count)
        nodes.deallocate()
        nodes = bigger
        capacity *= 2
    }

    /// The finished root's nodes, when the line had one.
    var result: ScannedTape? {
        complete
            ? ScannedTape(
                nodes: UnsafeBufferPointer(start: nodes, count: count), start: base, end: end, duplicate: duplicate)
            : nil
    }
}

/// The nodes of a line's event object as the scanner built them (see `TapeScratch`): a borrowed view, valid until the
/// scanner's next scan.
public struct ScannedTape {
    let nodes: UnsafeBufferPointer<JSONTape.Node>
    /// Line offsets of the object's `{` and one past its `}`.
    public let start: Int
    public let end: Int
    let duplicate: Int32
}
