import RealtimeProtocol
import RealtimeRecording
import RealtimeSession
import RealtimeValidation

extension SpanMapper {
    mutating func addResponse(_ r: Response, parent: Int) -> Int {
        let startMoment = r.requested ?? r.created
        let start = nanos(startMoment) ?? base
        let end = nanos(r.done ?? source.last) ?? start
        var span = TelemetrySpan(
            kind: .response, name: "realtime.response", parent: parent, startNanos: start, endNanos: end)
        var a = AttributeList()
        common(&a)
        a.add("gen_ai.response.id", r.id)
        a.add("gen_ai.response.finish_reasons", r.status.map { [$0] })
        a.add("gen_ai.usage.input_tokens", r.usage?.inputTokens)
        a.add("gen_ai.usage.output_tokens", r.usage?.outputTokens)
        if let used = r.usage { addUsage(used, &a) }
        a.add("rtscope.response.status", r.status)
        a.add("rtscope.response.reason", r.reason)
        a.add(
            "rtscope.response.trigger", r.requested != nil ? "response.create" : r.turn != nil ? "voice turn" : "server"
        )
        a.add("rtscope.response.audio_bytes", r.audioBytes > 0 ? r.audioBytes : nil)
        a.add("rtscope.recording.line", r.created.line)
        a.add("rtscope.recording.end_line", r.done?.line)
        for sample in samples[r.id] ?? [] where sample.metric.hasPrefix("response.") {
            a.add(
                "rtscope.metric.\(sample.metric)"
                    + (MetricInfo.info(sample.metric)?.unit == .milliseconds ? "_ms" : ""), sample.value)
        }
        span.attributes = a.items
        span.isError = r.status == "failed"
        let firsts: [(String, Moment?)] = [
            ("rtscope.first_delta", r.firstDelta), ("rtscope.first_text", r.firstText),
            ("rtscope.first_audio", r.firstAudio), ("rtscope.first_transcript", r.firstTranscript),
        ]
        for (name, moment) in firsts {
            if let moment, let t = nanos(moment) { span.events.append(event(name, t, line: moment.line)) }
        }
        spans.append(span)
        return spans.count - 1
    }

    mutating func addTool(_ call: ToolCall, parent: Int) {
        let startMoment = call.argumentsDone
        let start = nanos(startMoment) ?? spans[parent].startNanos
        let end = nanos(call.output) ?? start
        var span = TelemetrySpan(
            kind: .toolCall, name: "execute_tool \(call.name ?? "unknown")", parent: parent, startNanos: start,
            endNanos: end)
        var a = AttributeList()
        a.add("gen_ai.operation.name", "execute_tool")
        a.add("gen_ai.tool.name", call.name)
        a.add("gen_ai.tool.call.id", call.callID)
        a.add("gen_ai.tool.type", "function")
        a.add("gen_ai.response.id", call.responseID)
        a.add("rtscope.tool.answered", call.output != nil)
        a.add("rtscope.recording.line", startMoment?.line)
        a.add("rtscope.recording.end_line", call.output?.line)
        for sample in samples[call.callID] ?? [] where sample.metric.hasPrefix("tool.") {
            a.add("rtscope.metric.\(sample.metric)_ms", sample.value)
        }
        span.attributes = a.items
        spans.append(span)
    }

    /// The innermost span whose range holds `time` (latest-starting first), else the root.
    func innermost(_ time: UInt64) -> Int {
        var best = 0
        for (k, span) in spans.enumerated().dropFirst() where span.startNanos <= time && time <= span.endNanos {
            if span.startNanos >= spans[best].startNanos { best = k }
        }
        return best
    }

    mutating func addError(_ error: ServerError) {
        let time = nanos(tUs: error.at.tUs)
        var extra: [TelemetryAttribute] = [.init("error.type", .string(error.code ?? "error"))]
        if options.includeText, let message = error.message {
            extra.append(.init("exception.message", .string(message)))
        }
        let k = innermost(time)
        spans[k].events.append(event("rtscope.error", time, line: error.at.line, extra))
        spans[k].isError = true
    }

    mutating func addFinding(_ finding: Finding) {
        let time = nanos(tUs: source.tUs(ofLine: finding.line))
        var extra: [TelemetryAttribute] = [
            .init("rtscope.rule", .string(finding.rule)), .init("rtscope.severity", .string(finding.severity.rawValue)),
        ]
        if options.includeText { extra.append(.init("rtscope.finding.message", .string(finding.message))) }
        let k = innermost(time)
        spans[k].events.append(event("rtscope.finding", time, line: finding.line, extra))
    }
}
