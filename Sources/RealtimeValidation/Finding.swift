public import RealtimeRecording

/// Finding severities are the reader's: one scale for input problems and protocol findings.
public typealias Severity = RealtimeRecording.Severity

/// Another line a finding points at, with why.
public struct RelatedLine: Sendable, Hashable, Codable {
    /// 1-based line in the same recording.
    public let line: Int
    public let note: String

    public init(line: Int, note: String) {
        self.line = line
        self.note = note
    }
}

/// One problem found in a recording: a value, never thrown.
public struct Finding: Sendable, Hashable, Codable {
    /// Stable rule id (`response-not-done`), or `reader.<code>` for input problems.
    public let rule: String
    public let severity: Severity
    /// One sentence.
    public let message: String
    public let expected: String?
    public let actual: String?
    /// 1-based JSONL line of the offending frame (0 when the finding is about the whole file).
    public let line: Int
    /// 1-based ordinal of the frame among the recording's frames (0 when not about one frame).
    public let eventIndex: Int
    public let eventType: String?
    public let eventID: String?
    /// Ids that identify what the finding is about (response, item, call), for fingerprints.
    public let subject: String?
    public let related: [RelatedLine]

    public init(
        rule: String, severity: Severity, message: String, expected: String? = nil, actual: String? = nil,
        line: Int, eventIndex: Int, eventType: String? = nil, eventID: String? = nil, subject: String? = nil,
        related: [RelatedLine] = []
    ) {
        self.rule = rule
        self.severity = severity
        self.message = message
        self.expected = expected
        self.actual = actual
        self.line = line
        self.eventIndex = eventIndex
        self.eventType = eventType
        self.eventID = eventID
        self.subject = subject
        self.related = related
    }
}
