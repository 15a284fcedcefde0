public import RealtimeProtocol

/// Building a `JSON` tree from the tape and from text.
extension JSON {
    /// The tree of a tape value: strings decoded, integers that fit `Int` as `.int`, larger integers as
    /// `.bigInteger` (their text), other numbers as `.double`,
    /// object members in order (repeated keys kept; lookups read the last, as on the tape).
    public init(_ value: JSONValue) {
        switch value.kind {
        case .object:
            var pairs: [(String, JSON)] = []
            pairs.reserveCapacity(value.count)
            for child in value.children { pairs.append((child.key ?? "", JSON(child))) }
            self = .object(pairs)
        case .array: self = .array(value.children.map(JSON.init))
        case .string: self = .string(value.string ?? "")
        // `Int(rawText)` reads what the tape's fast integer path does not (`Int.min`).
        case .integer: self = (value.int ?? Int(value.rawText)).map { .int($0) } ?? .bigInteger(value.rawText)
        case .number: self = .double(value.double ?? 0)
        case .boolean: self = .bool(value.bool ?? false)
        case .null: self = .null
        }
    }

    /// Parses one JSON value (RFC 8259, checked by `LineScanner`; surrounding whitespace allowed).
    ///
    /// Throws the `ScanError` that says what is wrong and where (a byte offset), for empty, malformed or too deeply
    /// nested (over 512 levels) input.
    public init(parsing bytes: UnsafeRawBufferPointer) throws {
        self = JSON(try JSON.tape(bytes))
    }

    /// Parses the UTF-8 bytes of one JSON value (see `init(parsing:)`).
    public init(parsing bytes: [UInt8]) throws {
        self = try bytes.withUnsafeBytes { raw in try JSON(parsing: raw) }
    }

    /// Parses the text of one JSON value (see `init(parsing:)`).
    public init(parsing text: String) throws {
        var text = text
        self = try text.withUTF8 { raw in try JSON(parsing: UnsafeRawBufferPointer(raw)) }
    }

    /// The text parsed onto a tape after `LineScanner` checked it (the tape alone is lenient).
    public static func tape(_ bytes: UnsafeRawBufferPointer) throws -> JSONValue {
        var scanner = LineScanner(mode: .bareEvent)
        if let error = scanner.scan(bytes) { throw error }
        guard let value = JSONTape.parse(bytes) else { throw ScanError(reason: .truncated, offset: bytes.count) }
        return value
    }

    /// Whether `text` is one valid JSON value (any kind).
    public static func isValid(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { raw in
            var scanner = LineScanner(mode: .bareEvent)
            return scanner.scan(UnsafeRawBufferPointer(raw)) == nil
        }
    }
}

/// Dot-path lookup on the tree, through the same `JSONPath` walker as `JSONValue`'s.
extension JSON {
    /// The value at a dot-separated path (numeric components index arrays; see `JSONPath`).
    public func value(at path: String) -> JSON? {
        JSONPath.walk(
            path, from: self, isArray: { if case .array = $0 { true } else { false } }, element: { $0[$1] },
            member: { node, name in
                guard case .object(let pairs) = node else { return nil }
                return pairs.last { $0.0.utf8.elementsEqual(name) }?.1
            })
    }

    /// The string at `path`.
    public func string(at path: String) -> String? { value(at: path)?.string }

    /// The integer at `path` (`nil` unless it is an `.int`).
    public func int(at path: String) -> Int? { value(at: path)?.int }

    /// The number at `path`.
    public func double(at path: String) -> Double? { value(at: path)?.double }

    /// The kind of the value at `path`.
    public func kind(at path: String) -> JSONKind? { value(at: path)?.kind }
}
