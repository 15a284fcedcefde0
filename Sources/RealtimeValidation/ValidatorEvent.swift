public import RealtimeProtocol
public import RealtimeRecording

/// One recorded frame as the validator sees it: position, direction and the decoded event.
///
/// Built by `ValidationRun` from a recording line, or by the recording proxy from a live frame;
/// the validator itself does no I/O.
public struct ValidatorEvent {
    /// 1-based JSONL line (0 when live and there is no file yet).
    public let line: Int
    /// 1-based ordinal of the frame.
    public let index: Int
    public let tUs: Int64
    public let direction: Direction
    public let opcode: Opcode
    /// The parsed event, or `nil` when the payload is not a JSON object.
    public let object: JSONValue?
    /// The text of an `error` line (what went wrong), else nil.
    public var note: String?

    public init(line: Int, index: Int, tUs: Int64, direction: Direction, opcode: Opcode, object: JSONValue?) {
        self.line = line
        self.index = index
        self.tUs = tUs
        self.direction = direction
        self.opcode = opcode
        self.object = object
    }
}

/// Typed access to a parsed event by dot paths (numeric components index arrays).
///
/// Every lookup goes through `JSONValue`'s path accessors, which walk the one dot-path implementation (`JSONPath`,
/// shared with the `JSON` tree); this only keeps the rules' reads of an optional event short.
enum Lookup {
    static func value(_ object: JSONValue?, _ path: String) -> JSONValue? { object?.value(at: path) }

    static func string(_ object: JSONValue?, _ path: String) -> String? { object?.string(at: path) }

    static func int(_ object: JSONValue?, _ path: String) -> Int? { object?.int(at: path) }

    static func double(_ object: JSONValue?, _ path: String) -> Double? { object?.double(at: path) }

    static func dict(_ object: JSONValue?, _ path: String) -> JSONValue? {
        guard let v = value(object, path), v.isObject else { return nil }
        return v
    }

    static func array(_ object: JSONValue?, _ path: String) -> [JSONValue]? {
        guard let v = value(object, path), v.isArray else { return nil }
        return v.children
    }

    /// Whether `path` is present with a non-null value.
    static func isSet(_ object: JSONValue?, _ path: String) -> Bool {
        guard let kind = object?.kind(at: path) else { return false }
        return kind != .null
    }

    /// A short rendering of a value for Expected/Actual lines: its JSON text, cut at 120 characters.
    static func render(_ value: JSONValue?) -> String {
        guard let value else { return "(absent)" }
        let text = value.rawText
        return text.count > 120 ? String(text.prefix(120)) + "…" : text
    }

    /// A string rendered as a JSON literal, cut at 80 characters.
    static func render(_ text: String) -> String {
        JSONText.quoted(text.count > 80 ? String(text.prefix(80)) + "…" : text)
    }
}
