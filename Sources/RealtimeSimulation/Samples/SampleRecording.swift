import Foundation
public import RealtimeProtocol
public import RealtimeRecording

/// One bundled sample recording (`recordings/NAME.jsonl`): a scripted client run against the
/// simulated server on virtual time, written as `rtscope record` writes a connection.
///
/// Everything that could vary is injected: ids (`SimulationOptions.ids`), the model's answers
/// (`SimulationOptions.replies`), `expires_at`, the clock (`VirtualTiming`, wall time counted from
/// `SampleRecordings.created`) and the handshake. So the same code gives the same bytes on every
/// run and machine (`SampleRecordingsTests` holds the committed files to that).
public struct SampleRecording: Sendable {
    /// The file name in `recordings/`.
    public let file: String
    public let dialect: Dialect
    /// What the sample shows (the header's `note`).
    public let note: String
    let options: SimulationOptions
    let steps: [ClientScript.Step]
    let timing: VirtualTiming

    init(
        file: String, dialect: Dialect, note: String, options: SimulationOptions, steps: [ClientScript.Step],
        timing: VirtualTiming = VirtualTiming()
    ) {
        self.file = file
        self.dialect = dialect
        self.note = note
        self.options = options
        self.steps = steps
        self.timing = timing
    }

    /// Runs the session: every frame, stamped on the virtual clock.
    public func frames() -> [TimedFrame] {
        VirtualLoop.run(
            ClientScript(dialect: dialect, steps: steps), SimulatedSession(options: options), timing: timing)
    }

    /// The header the recorder writes for this connection: an Azure OpenAI handshake whose `api-key` is
    /// redacted as `rtscope record` redacts it.
    public func header() -> RecordingHeader {
        var removed: [String] = []
        let path =
            dialect == .ga
            ? "/openai/v1/realtime?model=\(options.model)"
            : "/openai/realtime?api-version=2025-04-01-preview&deployment=\(options.model)"
        var request = ["api-key": "sample-key", "user-agent": "openai-python/1.99.0"]
        if dialect == .beta { request["openai-beta"] = "realtime=v1" }
        let handshake = Handshake(
            request: HTTPHead(method: "GET", path: path, headers: Redactor.headers(request, removed: &removed)),
            response: HTTPHead(
                status: 101,
                headers: [
                    "apim-request-id": "3f1c2a9e-0000-4000-8000-000000000001", "x-ms-region": "Sweden Central",
                ]))
        return RecordingHeader(
            created: SampleRecordings.created, tool: SampleRecordings.tool, source: "simulated",
            conn: SampleRecordings.conn, upstream: "wss://example-resource.openai.azure.com\(path)", dialect: dialect,
            handshake: handshake, redacted: removed, note: note)
    }

    /// Writes the sample to `path`, which must not exist yet (`RecordingWriter`).
    /// - Throws: `RecordingError` when the file exists or cannot be written.
    public func write(to path: String) throws {
        let writer = try RecordingWriter(path: path, header: header())
        for (k, frame) in frames().enumerated() {
            let seconds = SampleRecordings.epoch + Double(frame.tUs) / 1_000_000
            try writer.append(
                .text(
                    frame.text, seq: k + 1, tUs: frame.tUs, direction: frame.direction, conn: SampleRecordings.conn,
                    wall: RecordingFormat.wallClock(Date(timeIntervalSince1970: seconds))))
        }
        try writer.flush()
    }
}

extension SampleRecordings {
    /// The header's `created`, and the wall clock's origin (`epoch`, the same instant).
    public static let created = "2026-11-25T09:00:00.000000Z"
    static let epoch: Double = 1_795_597_200
    /// The header's `tool`: no version, so the bytes do not change with a release.
    public static let tool = "rtscope-samples (the simulated server and a scripted client, on virtual time)"
    /// One connection id for all samples (they are separate sessions of one imaginary client).
    static let conn = "c0a1"

    /// Writes every sample into `directory`, replacing files of the same names (each is written to a
    /// hidden temporary file first, then renamed over the old one); returns the paths written.
    /// - Throws: `RecordingError` when a file cannot be written or renamed.
    public static func write(into directory: String) throws -> [String] {
        try all.map { sample in
            let path = (directory as NSString).appendingPathComponent(sample.file)
            let temporary = (directory as NSString).appendingPathComponent(".\(sample.file).\(getpid()).tmp")
            unlink(temporary)
            do {
                try sample.write(to: temporary)
                guard rename(temporary, path) == 0 else {
                    throw RecordingError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
                }
            } catch {
                unlink(temporary)
                throw error
            }
            return path
        }
    }
}
