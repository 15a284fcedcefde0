/// The latency, turn-taking and tool metrics rtscope computes, as data: each has an id (used by
/// `stats --max`), a unit, its exact start and end events, and the peer metric it matches.
///
/// docs/metrics.md is generated from this table (`rtscope stats --list-metrics --markdown`).
public struct MetricInfo: Sendable, Hashable {
    public enum Unit: String, Sendable, Hashable {
        case milliseconds = "ms"
        case ratio = "×"
        case perSecond = "/s"
    }

    public let id: String
    public let unit: Unit
    /// What it measures, in one line.
    public let summary: String
    public let start: String
    public let end: String
    /// The peer definition it reproduces (empty when none).
    public let matches: String

    public static let all: [MetricInfo] = [
        MetricInfo(
            id: "response.created", unit: .milliseconds, summary: "Server acknowledgement of a client request.",
            start: "client response.create", end: "response.created", matches: ""),
        MetricInfo(
            id: "response.first_delta", unit: .milliseconds, summary: "Time to the first output of any kind (TTFB).",
            start: "client response.create", end: "first output delta (text, audio, transcript or arguments)",
            matches: "Pipecat TTFB"),
        MetricInfo(
            id: "response.first_text", unit: .milliseconds, summary: "Time to the first text.",
            start: "client response.create", end: "first response.text.delta / response.output_text.delta",
            matches: "OpenAI cookbook realtime evals: first text"),
        MetricInfo(
            id: "response.first_audio", unit: .milliseconds, summary: "Time to the first audio chunk.",
            start: "client response.create", end: "first response.audio.delta / response.output_audio.delta",
            matches: "OpenAI cookbook realtime evals: latency_first_audio_ms"),
        MetricInfo(
            id: "response.first_audible", unit: .milliseconds,
            summary: "Time to the first audible audio: first audio plus its leading silence (−40 dBFS, 10 ms frames).",
            start: "client response.create",
            end: "first 10 ms output frame at or above −40 dBFS RMS, played as chunks arrive",
            matches: "Pipecat TTFA (TTFB + leading silence)"),
        MetricInfo(
            id: "response.leading_silence", unit: .milliseconds,
            summary: "Silent output audio before the first audible frame.",
            start: "first output audio sample", end: "first 10 ms frame at or above −40 dBFS RMS", matches: ""),
        MetricInfo(
            id: "response.first_transcript", unit: .milliseconds, summary: "Time to the first audio transcript.",
            start: "client response.create", end: "first response.audio_transcript.delta (GA output_audio_transcript)",
            matches: ""),
        MetricInfo(
            id: "response.total", unit: .milliseconds, summary: "The whole response.",
            start: "client response.create", end: "response.done",
            matches: "OpenAI cookbook realtime evals: response.done"),
        MetricInfo(
            id: "response.audio_duration", unit: .milliseconds, summary: "Playback length of the output audio.",
            start: "decoded bytes of all output audio deltas", end: "÷ bytes per ms of the output format",
            matches: ""),
        MetricInfo(
            id: "response.audio_speed", unit: .ratio,
            summary: "Audio generation speed: audio ms delivered per wall-clock ms (above 1: faster than real time).",
            start: "first output audio delta", end: "last output audio delta", matches: ""),
        MetricInfo(
            id: "response.tokens_per_second", unit: .perSecond, summary: "Output tokens per second of generation.",
            start: "first output delta", end: "response.done (usage.output_tokens)", matches: ""),
        MetricInfo(
            id: "turn_latency", unit: .milliseconds,
            summary: "User-perceived turn latency: the user stops speaking until the assistant's first audio.",
            start: "input_audio_buffer.speech_stopped", end: "first output audio delta of the turn's response",
            matches: "Pipecat user_bot_latency; Retell user stops → agent begins; LiveKit e2e_latency (from VAD end)"),
        MetricInfo(
            id: "turn_latency.audible", unit: .milliseconds,
            summary: "Turn latency to the first audible audio (leading silence included).",
            start: "input_audio_buffer.speech_stopped", end: "first audible output frame of the turn's response",
            matches: "Pipecat user_bot_latency with TTFA"),
        MetricInfo(
            id: "turn.commit", unit: .milliseconds, summary: "VAD stop to the committed input.",
            start: "input_audio_buffer.speech_stopped", end: "input_audio_buffer.committed", matches: ""),
        MetricInfo(
            id: "turn.response", unit: .milliseconds, summary: "Committed input to the response that answers it.",
            start: "input_audio_buffer.committed", end: "response.created", matches: ""),
        MetricInfo(
            id: "turn.transcription", unit: .milliseconds, summary: "Input transcription delay.",
            start: "input_audio_buffer.speech_stopped",
            end: "conversation.item.input_audio_transcription.completed", matches: ""),
        MetricInfo(
            id: "barge_in.yield", unit: .milliseconds, summary: "Time for the assistant to yield when interrupted.",
            start: "input_audio_buffer.speech_started while assistant audio arrives or plays",
            end: "first of: response.done (cancelled), output_audio_buffer.cleared, client conversation.item.truncate",
            matches: "turn-taking: barge-in stop (target under 200 ms at p95)"),
        MetricInfo(
            id: "barge_in.talk_over", unit: .milliseconds, summary: "Both speaking at once during a barge-in.",
            start: "input_audio_buffer.speech_started while assistant audio arrives or plays",
            end:
                "first of: the assistant yields (as barge_in.yield), the user's speech_stopped, the assistant's audio ends",
            matches: "turn-taking: overlap / talk-over duration"),
        MetricInfo(
            id: "barge_in.unheard", unit: .milliseconds, summary: "Assistant audio received but never heard.",
            start: "output audio of the interrupted response", end: "minus the truncate's audio_end_ms", matches: ""),
        MetricInfo(
            id: "tool.time", unit: .milliseconds, summary: "Time the client took to run a tool.",
            start: "response.function_call_arguments.done",
            end: "client function_call_output (conversation.item.create)",
            matches: ""),
        MetricInfo(
            id: "tool.next_response", unit: .milliseconds, summary: "Tool output to the response that continues.",
            start: "client function_call_output", end: "next response.created", matches: ""),
    ]

    /// The metric with this id.
    public static func info(_ id: String) -> MetricInfo? { all.first { $0.id == id } }
}

/// One measured value, with where to look in the recording.
public struct MetricSample: Sendable, Hashable {
    public let metric: String
    public let value: Double
    /// The JSONL line where the measured span ends (`rtscope view FILE`, then `:line`).
    public let line: Int
    /// What it is about: a response id, a turn's item id, a call id.
    public let subject: String
    /// The JSONL line of the event the span starts at (the timeline's `r` visits it); nil when the start is no
    /// single event.
    public let startLine: Int?

    public init(metric: String, value: Double, line: Int, subject: String, startLine: Int? = nil) {
        self.metric = metric
        self.value = value
        self.line = line
        self.subject = subject
        self.startLine = startLine
    }
}

extension SessionModel {
    /// Every metric value this session yields; empty when the source had no timestamps (those
    /// metrics are then unavailable, never zero).
    public func metricSamples() -> [MetricSample] {
        guard timed else { return [] }
        var out: [MetricSample] = []
        func add(_ id: String, _ from: Moment?, _ to: Moment?, _ subject: String) {
            guard let from, let to else { return }
            out.append(
                MetricSample(
                    metric: id, value: from.milliseconds(to: to), line: to.line, subject: subject, startLine: from.line)
            )
        }
        let bytesPerMs = outputBytesPerMs
        for r in responses {
            add("response.created", r.requested, r.created, r.id)
            add("response.first_delta", r.requested, r.firstDelta, r.id)
            add("response.first_text", r.requested, r.firstText, r.id)
            add("response.first_audio", r.requested, r.firstAudio, r.id)
            add("response.first_audible", r.requested, r.firstAudible, r.id)
            if let silence = r.leadingSilenceMs, let audible = r.firstAudible {
                out.append(
                    MetricSample(
                        metric: "response.leading_silence", value: silence, line: audible.line, subject: r.id,
                        startLine: r.firstAudio?.line))
            }
            add("response.first_transcript", r.requested, r.firstTranscript, r.id)
            add("response.total", r.requested, r.done, r.id)
            if r.audioBytes > 0, let first = r.firstAudio, let last = r.lastAudio {
                let duration = Double(r.audioBytes) / bytesPerMs
                out.append(
                    MetricSample(
                        metric: "response.audio_duration", value: duration, line: last.line, subject: r.id,
                        startLine: first.line))
                let wall = first.milliseconds(to: last)
                if wall > 0 {
                    out.append(
                        MetricSample(
                            metric: "response.audio_speed", value: duration / wall, line: last.line, subject: r.id,
                            startLine: first.line))
                }
            }
            if let tokens = r.usage?.outputTokens, let first = r.firstDelta, let done = r.done,
                first.milliseconds(to: done) > 0
            {
                out.append(
                    MetricSample(
                        metric: "response.tokens_per_second",
                        value: Double(tokens) / (first.milliseconds(to: done) / 1000),
                        line: done.line, subject: r.id, startLine: first.line))
            }
        }
        var byID: [String: Int] = [:]
        for (k, r) in responses.enumerated() { byID[r.id] = k }
        for t in turns {
            let subject = t.itemID ?? "turn"
            let answer = t.responseID.flatMap { byID[$0] }.map { responses[$0] }
            add("turn_latency", t.speechStopped, answer?.firstAudio, subject)
            add("turn_latency.audible", t.speechStopped, answer?.firstAudible, subject)
            add("turn.commit", t.speechStopped, t.committed, subject)
            add("turn.response", t.committed, answer?.created, subject)
            add("turn.transcription", t.speechStopped, t.transcriptionCompleted, subject)
        }
        for b in bargeIns {
            add("barge_in.yield", b.speechStarted, b.yielded, b.responseID)
            if let overlap = talkOver(b, byID[b.responseID].map { responses[$0] }, bytesPerMs) {
                out.append(overlap)
            }
            if let heard = b.audioEndMs, let r = byID[b.responseID].map({ responses[$0] }), r.audioBytes > 0,
                let truncate = b.truncate
            {
                let received = Double(r.audioBytes) / bytesPerMs
                out.append(
                    MetricSample(
                        metric: "barge_in.unheard", value: max(0, received - Double(heard)), line: truncate.line,
                        subject: b.responseID, startLine: r.firstAudio?.line))
            }
        }
        for c in toolCalls {
            add("tool.time", c.argumentsDone, c.output, c.callID)
            add("tool.next_response", c.output, c.nextResponse, c.callID)
        }
        return out
    }

    /// How long user and assistant spoke at once in a barge-in: from the user's start to the first
    /// of the assistant's yield, the user's stop, and the end of the assistant's audio as played
    /// from its first chunk.
    func talkOver(_ b: BargeIn, _ response: Response?, _ bytesPerMs: Double) -> MetricSample? {
        var ends: [Moment] = []
        if let yielded = b.yielded { ends.append(yielded) }
        if let stopped = turns.first(where: { $0.speechStarted == b.speechStarted })?.speechStopped {
            ends.append(stopped)
        }
        if let response, let first = response.firstAudio, response.audioBytes > 0 {
            let end = first.tUs.plusMilliseconds(Double(response.audioBytes) / bytesPerMs)
            ends.append(Moment(line: response.lastAudio?.line ?? first.line, tUs: end))
        }
        guard let end = ends.min(by: { $0.tUs < $1.tUs }) else { return nil }
        return MetricSample(
            metric: "barge_in.talk_over", value: max(0, b.speechStarted.milliseconds(to: end)), line: end.line,
            subject: b.responseID, startLine: b.speechStarted.line)
    }

    /// Bytes per millisecond of the session's last output format (pcm16 at 24 kHz when none was named).
    var outputBytesPerMs: Double {
        guard let change = formatChanges.last(where: { $0.output != nil }), let format = change.output else {
            return 48
        }
        return AudioFormat(format, rate: change.rate).bytesPerMs
    }
}

/// Order statistics of one metric over many samples.
public struct MetricSummary: Sendable, Hashable {
    public let metric: String
    public let count: Int
    public let p50: Double
    public let p90: Double
    public let p95: Double
    public let p99: Double
    public let max: Double
    public let mean: Double

    /// Summarises `values`; nil for no samples.
    ///
    /// Percentiles use the nearest-rank method: the smallest value with at least p % of the
    /// samples at or below it, so every reported value is a measured one.
    public init?(metric: String, values: [Double]) {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        func rank(_ p: Double) -> Double {
            let k = Int((p / 100 * Double(sorted.count)).rounded(.up))
            return sorted[Swift.max(0, Swift.min(sorted.count - 1, k - 1))]
        }
        self.metric = metric
        count = sorted.count
        p50 = rank(50)
        p90 = rank(90)
        p95 = rank(95)
        p99 = rank(99)
        max = sorted[sorted.count - 1]
        mean = sorted.reduce(0, +) / Double(sorted.count)
    }

    /// The named statistic (`p50`, `p90`, `p95`, `p99`, `max`, `mean`, `count`).
    public func value(_ statistic: String) -> Double? {
        switch statistic {
        case "p50": p50
        case "p90": p90
        case "p95": p95
        case "p99": p99
        case "max": max
        case "mean", "avg": mean
        case "count": Double(count)
        default: nil
        }
    }
}
