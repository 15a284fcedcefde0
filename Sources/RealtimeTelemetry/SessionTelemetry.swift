import RealtimeProtocol
import RealtimeRecording
public import RealtimeSession
import RealtimeValidation

/// Maps one recorded session to spans (sans-I/O): session (root) → voice turns → responses →
/// tool calls, with the stats metrics as attributes, first deltas as span events, and server
/// errors and validation findings as span events on the innermost span whose time range holds them.
///
/// Times: nanoseconds since the epoch of the header's `created` plus each moment's `t_us` (the
/// recorder writes `created` when the connection opens and `t_us` from the same instant, so a
/// frame's time equals its `wall`). A recording without `created` starts at the epoch; an untimed
/// import puts every span at `created`.
///
/// Payloads: no text of the session is exported; `includeText` adds the server's error messages
/// and the findings' messages. Audio is never exported (only byte and token counts).
public enum SessionTelemetry {
    public struct Options: Sendable {
        public var includeText: Bool
        public var prices: PriceTable

        public init(includeText: Bool = false, prices: PriceTable = .bundled) {
            self.includeText = includeText
            self.prices = prices
        }
    }

    /// The spans of `source`; index 0 is the session root.
    public static func spans(_ source: TelemetrySource, options: Options = Options()) -> [TelemetrySpan] {
        var mapper = SpanMapper(source: source, options: options)
        return mapper.run()
    }

    /// The trace id (and the root's derived parent id) of `source`.
    public static func identity(_ source: TelemetrySource) -> TraceIdentity {
        TraceIdentity(
            connection: source.header?.conn, session: source.sessionID,
            fallback: (source.header?.created ?? "") + "|" + source.path)
    }

    /// `openai` or `azure.ai.openai` (GenAI semantic conventions), from the upstream host or the handshake.
    public static func provider(_ source: TelemetrySource) -> String {
        let host = serverAddress(source) ?? ""
        if host.hasSuffix(".azure.com") || host.hasSuffix(".azure.net") { return "azure.ai.openai" }
        if !host.isEmpty { return "openai" }
        let path = source.header?.handshake?.request?.path ?? ""
        return path.contains("api-version=") || path.contains("deployment=") ? "azure.ai.openai" : "openai"
    }

    /// The upstream's host name (no credentials, port or path).
    public static func serverAddress(_ source: TelemetrySource) -> String? {
        guard let upstream = source.header?.upstream else { return nil }
        let parts = upstream.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0].hasSuffix(":"), parts[1].isEmpty else { return nil }
        var rest = parts[2]
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") { return String(rest[...close]) }
        if let colon = rest.firstIndex(of: ":") { rest = rest[..<colon] }
        return rest.isEmpty ? nil : String(rest)
    }
}

/// One mapping run; kept apart from `SessionTelemetry` so each step stays short.
struct SpanMapper {
    let source: TelemetrySource
    let options: SessionTelemetry.Options
    let base: UInt64
    var spans: [TelemetrySpan] = []
    /// Metric samples by (metric, subject).
    var samples: [String: [MetricSample]] = [:]

    init(source: TelemetrySource, options: SessionTelemetry.Options) {
        self.source = source
        self.options = options
        base = source.header.flatMap { WallClock.nanoseconds($0.created) } ?? 0
        for sample in source.model.metricSamples() { samples[sample.subject, default: []].append(sample) }
    }

    func nanos(_ moment: Moment?) -> UInt64? { moment.map { nanos(tUs: $0.tUs) } }
    func nanos(tUs: Int64) -> UInt64 { base &+ UInt64(max(0, tUs)) &* 1000 }

    mutating func run() -> [TelemetrySpan] {
        let model = source.model
        spans.append(root())
        var turnSpans: [Int: Int] = [:]
        for (k, turn) in model.turns.enumerated() { turnSpans[k] = addTurn(turn) }
        var responseSpans: [String: Int] = [:]
        for response in model.responses {
            let parent = response.turn.flatMap { turnSpans[$0] } ?? 0
            responseSpans[response.id] = addResponse(response, parent: parent)
        }
        for call in model.toolCalls { addTool(call, parent: call.responseID.flatMap { responseSpans[$0] } ?? 0) }
        for error in model.errors { addError(error) }
        for finding in source.findings { addFinding(finding) }
        return spans
    }

    func common(_ list: inout AttributeList) {
        let provider = SessionTelemetry.provider(source)
        list.add("gen_ai.provider.name", provider)
        list.add("gen_ai.system", provider)
        list.add("gen_ai.request.model", source.model.model)
    }

    func root() -> TelemetrySpan {
        let model = source.model
        let end = nanos(source.last) ?? base
        var span = TelemetrySpan(kind: .session, name: "realtime.session", parent: nil, startNanos: base, endNanos: end)
        var a = AttributeList()
        common(&a)
        a.add("gen_ai.conversation.id", source.sessionID)
        a.add("server.address", SessionTelemetry.serverAddress(source))
        a.add("gen_ai.usage.input_tokens", model.usage.inputTokens)
        a.add("gen_ai.usage.output_tokens", model.usage.outputTokens)
        addUsage(model.usage, &a)
        a.add("rtscope.dialect", model.dialect?.rawValue)
        a.add("rtscope.recording.file", source.path)
        a.add("rtscope.recording.connection", source.header?.conn)
        a.add("rtscope.recording.source", source.header?.source)
        a.add("rtscope.recording.line", source.first?.line)
        a.add("rtscope.recording.timed", model.timed)
        a.add("rtscope.session.responses", model.responses.count)
        a.add("rtscope.session.turns", model.turns.count)
        a.add("rtscope.session.tool_calls", model.toolCalls.count)
        a.add("rtscope.session.barge_ins", model.bargeIns.count)
        a.add("rtscope.session.errors", model.errors.count)
        a.add("rtscope.session.findings", source.findings.count)
        let priced = TelemetryMetrics.cost(source.model, prices: options.prices)
        a.add("rtscope.cost.usd", priced)
        span.attributes = a.items
        return span
    }

    func addUsage(_ usage: Usage, _ a: inout AttributeList) {
        a.add("rtscope.usage.input_text_tokens", usage.inputTextTokens)
        a.add("rtscope.usage.input_audio_tokens", usage.inputAudioTokens)
        a.add("rtscope.usage.cached_tokens", usage.cachedTokens)
        a.add("rtscope.usage.output_text_tokens", usage.outputTextTokens)
        a.add("rtscope.usage.output_audio_tokens", usage.outputAudioTokens)
    }

    mutating func addTurn(_ turn: VoiceTurn) -> Int {
        let model = source.model
        let answer = turn.responseID.flatMap { id in model.response(id) }
        let startMoment = turn.speechStarted ?? turn.speechStopped ?? turn.committed
        let moments = [turn.speechStopped, turn.committed, turn.transcriptionCompleted, answer?.done].compactMap { $0 }
        let start = nanos(startMoment) ?? base
        let end = moments.map { nanos(tUs: $0.tUs) }.max() ?? start
        var span = TelemetrySpan(kind: .turn, name: "realtime.turn", parent: 0, startNanos: start, endNanos: end)
        var a = AttributeList()
        a.add("rtscope.turn.item_id", turn.itemID)
        a.add("gen_ai.response.id", turn.responseID)
        a.add("rtscope.recording.line", startMoment?.line)
        if source.model.timed {
            func ms(_ from: Moment?, _ to: Moment?) -> Double? {
                guard let from, let to else { return nil }
                return from.milliseconds(to: to)
            }
            // The same definitions as SessionModel.metricSamples() (docs/metrics.md).
            a.add("rtscope.metric.turn_latency_ms", ms(turn.speechStopped, answer?.firstAudio))
            a.add("rtscope.metric.turn.commit_ms", ms(turn.speechStopped, turn.committed))
            a.add("rtscope.metric.turn.response_ms", ms(turn.committed, answer?.created))
            a.add("rtscope.metric.turn.transcription_ms", ms(turn.speechStopped, turn.transcriptionCompleted))
        }
        span.attributes = a.items
        if let stopped = turn.speechStopped, let t = nanos(stopped) {
            span.events.append(event("rtscope.speech_stopped", t, line: stopped.line))
        }
        if let committed = turn.committed, let t = nanos(committed) {
            span.events.append(event("rtscope.committed", t, line: committed.line))
        }
        spans.append(span)
        return spans.count - 1
    }

    func event(_ name: String, _ time: UInt64, line: Int, _ extra: [TelemetryAttribute] = []) -> TelemetryEvent {
        TelemetryEvent(
            name: name, timeNanos: time, attributes: [.init("rtscope.recording.line", .int(Int64(line)))] + extra)
    }
}
