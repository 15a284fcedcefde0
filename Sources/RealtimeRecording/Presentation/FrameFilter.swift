public import RealtimeProtocol

/// Selects frames by type glob, direction, response/item/call id and time window.
///
/// Evaluated on borrowed lines straight from the scanner's spans: no decoding, and the glob
/// result is cached per distinct type, so filtering costs a few comparisons per line.
public struct FrameFilter: Sendable {
    /// Any of these must match the event type (empty: no type condition).
    public var types: [TypeGlob]
    public var direction: Direction?
    /// Matches `response_id` or `response.id`.
    public var responseID: String?
    /// Matches `item_id` or `item.id`.
    public var itemID: String?
    /// Matches `call_id` or `item.call_id`.
    public var callID: String?
    /// Inclusive window in milliseconds since the recording started.
    public var sinceMs: Double?
    public var untilMs: Double?
    private var typeCache: [String: Bool] = [:]

    public init(
        types: [TypeGlob] = [], direction: Direction? = nil, responseID: String? = nil, itemID: String? = nil,
        callID: String? = nil, sinceMs: Double? = nil, untilMs: Double? = nil
    ) {
        self.types = types
        self.direction = direction
        self.responseID = responseID
        self.itemID = itemID
        self.callID = callID
        self.sinceMs = sinceMs
        self.untilMs = untilMs
    }

    /// Whether the filter selects everything.
    public var isEmpty: Bool {
        types.isEmpty && direction == nil && responseID == nil && itemID == nil && callID == nil && sinceMs == nil
            && untilMs == nil
    }

    /// Whether `line` (a frame) passes every condition.
    public mutating func matches(_ line: RecordLine) -> Bool {
        if let direction, line.direction != direction { return false }
        if sinceMs != nil || untilMs != nil {
            let ms = Double(line.tUs) / 1000
            if let sinceMs, ms < sinceMs { return false }
            if let untilMs, ms > untilMs { return false }
        }
        if !types.isEmpty {
            guard let type = line.fields.span(.type).map({ String(decoding: line.slice($0), as: UTF8.self) }) else {
                return false
            }
            if let cached = typeCache[type] {
                if !cached { return false }
            } else {
                let hit = types.contains { $0.matches(type) }
                typeCache[type] = hit
                if !hit { return false }
            }
        }
        if let responseID, !Self.either(line, .responseID, .responseDotID, equals: responseID) { return false }
        if let itemID, !Self.either(line, .itemID, .itemDotID, equals: itemID) { return false }
        if let callID, !Self.either(line, .callID, .itemDotCallID, equals: callID) { return false }
        return true
    }

    private static func either(_ line: RecordLine, _ a: ScanSlot, _ b: ScanSlot, equals value: String) -> Bool {
        var value = value
        return value.withUTF8 { target in
            let raw = UnsafeRawBufferPointer(target)
            return line.equals(a, raw) || line.equals(b, raw)
        }
    }
}
