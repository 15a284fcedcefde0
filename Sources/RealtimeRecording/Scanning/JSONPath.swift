/// Dot-path lookup, written once for both JSON models: the tape (`JSONValue.value(at:)` and friends) and the tree
/// (`JSON.value(at:)` and friends).
///
/// A path is components separated by `.`; a component indexes an array when the current value is an array (decimal
/// digits only, else the lookup fails) and names an object member otherwise (so `a.0` reads member `"0"` of an
/// object). An empty component names the empty key. Members named with a `.` cannot be reached.
enum JSONPath {
    /// Follows `path` from `start`.
    ///
    /// `isArray` says whether a node is an array, `element` reads an array element and `member` an object member by
    /// its key's UTF-8 bytes (nil when absent or when the node is not an object). An index too large for `Int` fails.
    @inline(__always)
    static func walk<Node>(
        _ path: UnsafeRawBufferPointer, from start: Node, isArray: (Node) -> Bool,
        element: (Node, Int) -> Node?, member: (Node, UnsafeRawBufferPointer) -> Node?
    ) -> Node? {
        var current = start
        var begin = 0
        while begin <= path.count {
            var end = begin
            while end < path.count, path[end] != 0x2E { end += 1 }
            let component = UnsafeRawBufferPointer(rebasing: path[begin..<end])
            if isArray(current) {
                guard !component.isEmpty, component.count <= 18 else { return nil }
                var number = 0
                for b in component {
                    guard b >= 0x30, b <= 0x39 else { return nil }
                    number = number * 10 + Int(b - 0x30)
                }
                guard let next = element(current, number) else { return nil }
                current = next
            } else {
                guard let next = member(current, component) else { return nil }
                current = next
            }
            begin = end + 1
        }
        return current
    }

    /// `walk` over a `String` path.
    @inline(__always)
    static func walk<Node>(
        _ path: String, from start: Node, isArray: (Node) -> Bool,
        element: (Node, Int) -> Node?, member: (Node, UnsafeRawBufferPointer) -> Node?
    ) -> Node? {
        var path = path
        return path.withUTF8 {
            walk(UnsafeRawBufferPointer($0), from: start, isArray: isArray, element: element, member: member)
        }
    }
}
