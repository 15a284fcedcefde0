/// How much a problem matters.
///
/// `error` (a MUST of the format or protocol), `warning` (a SHOULD, or a likely bug), `note` (worth knowing, never a
/// failure). Shared by reader issues and validation findings.
public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case note, warning, error

    private var rank: Int {
        switch self {
        case .note: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
}

/// A problem the reader found in its input.
///
/// It never stops reading: the line is skipped (or read as well as it can be) and the issue is reported with its
/// 1-based line number.
public struct ReaderIssue: Sendable, Hashable, CustomStringConvertible {
    public typealias Severity = RealtimeRecording.Severity

    /// Stable identifiers, used by the validator as finding ids (`reader.<code>`).
    public enum Code: String, Sendable, Hashable, CaseIterable {
        case invalidJSON = "invalid-json"
        case truncatedLine = "truncated-line"
        case lineTooLong = "line-too-long"
        case blankLine = "blank-line"
        case crlf
        case bom
        case missingHeader = "missing-header"
        case newerVersion = "newer-version"
        case badHeader = "bad-header"
        case extraHeader = "extra-header"
        case notAFrame = "not-a-frame"
    }

    public let code: Code
    public let severity: Severity
    /// 1-based line number.
    public let line: Int
    /// Byte offset of the line's start in the input.
    public let offset: Int64
    /// One sentence.
    public let message: String

    public init(code: Code, severity: Severity, line: Int, offset: Int64, message: String) {
        self.code = code
        self.severity = severity
        self.line = line
        self.offset = offset
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }
}
