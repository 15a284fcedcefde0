public import RealtimeProtocol
public import RealtimeRecording
public import RealtimeSession
public import RealtimeValidation

/// Everything the span mapping needs about one recording, read in one pass: the session model,
/// the validation findings, the header, the server's session id and the time of every frame
/// (for placing findings, which name only a line).
///
/// Memory: the session model (without audio chunks) plus 12 bytes per frame for the line times.
public struct TelemetrySource: Sendable {
    public var path: String
    public var model: SessionModel
    public var findings: [Finding]
    public var header: RecordingHeader?
    /// `session.id` from the first `session.created` / `session.updated`.
    public var sessionID: String?
    /// The first and last frame.
    public var first: Moment?
    public var last: Moment?
    /// Frame lines and their `t_us`, in line order.
    var lines: [Int32] = []
    var times: [Int64] = []

    public init(
        path: String, model: SessionModel, findings: [Finding] = [], header: RecordingHeader? = nil,
        sessionID: String? = nil, frames: [Moment] = []
    ) {
        self.path = path
        self.model = model
        self.findings = findings
        self.header = header
        self.sessionID = sessionID
        for frame in frames { note(frame) }
    }

    mutating func note(_ moment: Moment) {
        if first == nil { first = moment }
        last = moment
        lines.append(Int32(truncatingIfNeeded: moment.line))
        times.append(moment.tUs)
    }

    /// The `t_us` of `line`, or of the last frame before it (0 when none).
    public func tUs(ofLine line: Int) -> Int64 {
        var low = 0
        var high = lines.count
        while low < high {
            let mid = (low + high) / 2
            if Int(lines[mid]) <= line { low = mid + 1 } else { high = mid }
        }
        return low == 0 ? (times.first ?? 0) : times[low - 1]
    }

    /// Reads `path` once (validator, session model and frame times in the same pass).
    /// - Throws: `RecordingError` when the input cannot be opened, read or imported.
    public static func load(_ path: String, dialect: Dialect? = nil) throws -> TelemetrySource {
        var builder = SessionModelBuilder(dialect: dialect, keepsAudioChunks: false)
        var source = TelemetrySource(path: path, model: SessionModel())
        let report = try ValidationRun.validate(path: path, dialect: dialect) { event in
            builder.consume(event)
            source.note(Moment(line: event.line, tUs: event.tUs))
            if source.sessionID == nil, event.direction == .serverToClient, let object = event.object,
                let type = object["type"]?.string, type == "session.created" || type == "session.updated"
            {
                source.sessionID = object.string(at: "session.id")
            }
        }
        source.model = builder.finish(header: report.header)
        source.findings = report.findings
        source.header = report.header
        return source
    }
}
