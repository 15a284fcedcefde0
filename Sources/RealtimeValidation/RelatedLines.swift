/// The lines a finding points at, as `SessionValidator.emit` takes them: the first held inline (most findings point at
/// none or one), any others in an array.
///
/// `emit(…, related: [RelatedLine(line: l, note: "first use")])` allocates nothing: `init(arrayLiteral:)` is always
/// inlined, so the compiler sees a literal of one line and drops the array it would have built for it (an allocation
/// and a free a finding, on a file where most events have one). Order is the literal's.
struct RelatedLines: ExpressibleByArrayLiteral {
    private(set) var first: RelatedLine?
    private(set) var rest: [RelatedLine] = []

    @inline(__always) init(arrayLiteral lines: RelatedLine...) { self.init(lines) }

    @inline(__always) init(_ lines: [RelatedLine]) {
        first = lines.first
        if lines.count > 1 { rest = Array(lines.dropFirst()) }
    }

    var count: Int { first == nil ? 0 : 1 + rest.count }

    /// The lines as an array (for a `Finding`).
    var array: [RelatedLine] {
        guard let first else { return [] }
        return rest.isEmpty ? [first] : [first] + rest
    }

    /// Calls `body` with each line, in order.
    func forEach(_ body: (RelatedLine) -> Void) {
        guard let first else { return }
        body(first)
        for line in rest { body(line) }
    }
}
