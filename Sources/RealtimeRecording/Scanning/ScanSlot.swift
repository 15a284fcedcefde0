/// The fields the line scanner captures, without decoding the rest of the line.
///
/// Record-level slots are top-level keys of a recording line; event-level slots are keys of the
/// embedded event (`event.type`, …); nested slots are `event.response.id`, `event.item.id` and
/// `event.item.call_id`. `EventCatalog.idPaths` must be a subset of what is captured here (a test
/// checks it), so the catalog stays the source of which ids exist.
public enum ScanSlot: Int, CaseIterable, Sendable {
    // Record level.
    case format, version, seq, tUs, wall, conn, dir, op, event, text, dataB64, code, reason, fin, dirInferred, redacted
    // Event level.
    case type, eventID, responseID, itemID, callID, previousItemID
    // Nested in the event.
    case responseDotID, itemDotID, itemDotCallID

    static let count = allCases.count

    /// The event-relative path of an event-level or nested slot (`nil` for record-level slots).
    public var eventPath: String? {
        switch self {
        case .type: "type"
        case .eventID: "event_id"
        case .responseID: "response_id"
        case .itemID: "item_id"
        case .callID: "call_id"
        case .previousItemID: "previous_item_id"
        case .responseDotID: "response.id"
        case .itemDotID: "item.id"
        case .itemDotCallID: "item.call_id"
        default: nil
        }
    }
}

/// A byte range inside one line.
public struct ByteSpan: Sendable, Hashable {
    public var start: Int
    public var count: Int

    public init(start: Int, count: Int) {
        self.start = start
        self.count = count
    }

    public var end: Int { start + count }
}

/// Why a line is not valid JSON, with the byte offset (0-based, within the line) where it went wrong.
public struct ScanError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        case empty
        case unexpectedByte(UInt8)
        case unterminatedString
        case invalidEscape
        case controlCharacterInString
        case invalidUTF8
        case invalidNumber
        case invalidLiteral
        case unbalanced
        case tooDeep(limit: Int)
        case trailingData
        case truncated
    }

    public let reason: Reason
    public let offset: Int

    public var description: String {
        switch reason {
        case .empty: "the line is empty"
        case .unexpectedByte(let b):
            b >= 0x21 && b < 0x7F
                ? "unexpected '\(Character(Unicode.Scalar(b)))' at byte \(offset + 1)"
                : "unexpected byte 0x\(String(b, radix: 16)) at byte \(offset + 1)"
        case .unterminatedString: "a string starting at byte \(offset + 1) is not terminated"
        case .invalidEscape: "invalid escape sequence at byte \(offset + 1)"
        case .controlCharacterInString: "raw control character inside a string at byte \(offset + 1)"
        case .invalidUTF8: "invalid UTF-8 at byte \(offset + 1)"
        case .invalidNumber: "invalid number at byte \(offset + 1)"
        case .invalidLiteral: "invalid literal at byte \(offset + 1)"
        case .unbalanced: "mismatched bracket at byte \(offset + 1)"
        case .tooDeep(let limit): "nesting deeper than \(limit) levels at byte \(offset + 1)"
        case .trailingData: "extra data after the JSON value at byte \(offset + 1)"
        case .truncated: "the JSON value ends early (truncated line)"
        }
    }
}
