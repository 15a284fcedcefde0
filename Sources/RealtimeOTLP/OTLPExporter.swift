#if OTLP
    import CoreMetrics
    import Foundation
    import Logging
    import OTel
    import RealtimeTelemetry
    import ServiceLifecycle
    import Tracing

    /// Sends `RealtimeTelemetry` spans and metric values to an OTLP collector through swift-otel
    /// (HTTP protobuf or JSON, or gRPC in a build with the `OTLPGRPC` trait).
    ///
    /// swift-otel's public API is the Tracing / swift-metrics one: spans take explicit start and end
    /// instants (so back-fills carry the recorded times), but span ids are random and a trace id
    /// comes only from a parent context. The session root is therefore started under a remote parent
    /// extracted from a W3C `traceparent` built from `TraceIdentity` (the deterministic trace id).
    ///
    /// Lifecycle: `start` runs swift-otel's services in a task; `finish` shuts them down gracefully,
    /// which flushes the span queue and sends the metrics once (cumulative), and returns the report.
    /// Not for the proxy's event loop: `export` does the span bookkeeping on the caller's thread.
    final class OTLPExporter: @unchecked Sendable {
        private let tracer: any Tracer
        private let factory: any MetricsFactory
        private let group: ServiceGroup
        private let running: Task<Void, any Error>
        private let failures: FailureLog
        private var counters: [String: any CounterHandler] = [:]
        private var floatCounters: [String: any FloatingPointCounterHandler] = [:]
        private var recorders: [String: any RecorderHandler] = [:]
        private var report = OTLPReport()

        /// Starts swift-otel's exporters; throws a one-sentence error when the settings are unusable.
        public init(settings: OTLPSettings) throws {
            if let problem = settings.problem() { throw OTLPError(message: problem) }
            Self.replaceEnvironment(by: settings)
            let log = FailureLog()
            failures = log
            var config = OTel.Configuration.default
            config.serviceName = settings.serviceName
            config.diagnosticLogger = .custom(log.logger)
            config.logs.enabled = false
            config.propagators = [.traceContext]
            config.traces.sampler = .alwaysOn
            // swift-otel 1.6.0's forceFlush() exports its queue without emptying it (the spans go again at
            // the next tick or at shutdown), so rtscope never calls it: spans leave by the timer, when
            // the queue is full, and at shutdown. The queue is sized for a long back-fill; past it
            // swift-otel drops spans and says so (counted in the report).
            config.traces.batchSpanProcessor.maxQueueSize = 131_072
            config.traces.batchSpanProcessor.maxExportBatchSize = 2_048
            config.traces.batchSpanProcessor.scheduleDelay = .milliseconds(200)
            config.metrics.exportInterval = .seconds(3600)
            let timeout = Duration.milliseconds(Int64(settings.timeoutSeconds * 1000))
            var chosen: OTel.Configuration.OTLPExporterConfiguration.`Protocol` = .httpProtobuf
            if settings.chosenProtocol() == "http/json" { chosen = .httpJSON }
            #if OTLPGRPC
                // swift-otel marks `.grpc` unavailable without its own OTLPGRPC trait (`problem()` refuses it then).
                if settings.chosenProtocol() == "grpc" { chosen = .grpc }
            #endif
            for signal in [\OTel.Configuration.traces.otlpExporter, \OTel.Configuration.metrics.otlpExporter] {
                config[keyPath: signal].protocol = chosen
                config[keyPath: signal].timeout = timeout
                if !settings.headers.isEmpty { config[keyPath: signal].headers = settings.headers }
            }
            config.traces.batchSpanProcessor.exportTimeout = timeout
            config.metrics.exportTimeout = timeout
            if let traces = settings.signalEndpoint("/v1/traces") { config.traces.otlpExporter.endpoint = traces }
            if let metrics = settings.signalEndpoint("/v1/metrics") { config.metrics.otlpExporter.endpoint = metrics }
            let backends: (tracer: any Tracer, factory: any MetricsFactory, group: ServiceGroup)
            do {
                let tracing = try OTel.makeTracingBackend(configuration: config)
                let metrics = try OTel.makeMetricsBackend(configuration: config)
                backends = (
                    tracing.factory, metrics.factory,
                    ServiceGroup(
                        configuration: .init(services: [tracing.service, metrics.service], logger: log.logger))
                )
            } catch {
                throw OTLPError(message: "cannot configure the OTLP exporter: \(error).")
            }
            tracer = backends.tracer
            factory = backends.factory
            group = backends.group
            let services = backends.group
            running = Task { try await services.run() }
        }

        /// A flag replaces its `OTEL_EXPORTER_OTLP_*` variable (swift-otel lets the environment win otherwise).
        private static func replaceEnvironment(by settings: OTLPSettings) {
            var names: [String] = []
            if settings.endpoint != nil {
                names += ["ENDPOINT", "TRACES_ENDPOINT", "METRICS_ENDPOINT"]
            }
            if settings.protocolName != nil { names += ["PROTOCOL", "TRACES_PROTOCOL", "METRICS_PROTOCOL"] }
            if !settings.headers.isEmpty { names += ["HEADERS", "TRACES_HEADERS", "METRICS_HEADERS"] }
            for name in names { unsetenv("OTEL_EXPORTER_OTLP_" + name) }
        }

        /// Starts and ends one session's spans at their recorded times, under `identity`'s trace.
        public func export(_ spans: [TelemetrySpan], identity: TraceIdentity) {
            var context = InstrumentationContext.topLevel
            tracer.extract(["traceparent": identity.traceparent], into: &context, using: HeaderExtractor())
            var started: [any Span] = []
            started.reserveCapacity(spans.count)
            for spec in spans {
                let parent = spec.parent.map { started[$0].context } ?? context
                let span = tracer.startAnySpan(
                    spec.name, at: Stamp(nanosecondsSinceEpoch: spec.startNanos), context: parent, ofKind: .internal,
                    function: #function, file: #fileID, line: #line)
                var attributes = SpanAttributes()
                for attribute in spec.attributes { attributes[attribute.key] = Self.value(attribute.value) }
                span.attributes = attributes
                for event in spec.events {
                    var eventAttributes = SpanAttributes()
                    for attribute in event.attributes { eventAttributes[attribute.key] = Self.value(attribute.value) }
                    span.addEvent(
                        SpanEvent(
                            name: event.name, at: Stamp(nanosecondsSinceEpoch: event.timeNanos),
                            attributes: eventAttributes))
                }
                if spec.isError { span.setStatus(SpanStatus(code: .error)) }
                started.append(span)
            }
            for (k, span) in started.enumerated().reversed() {
                span.end(at: Stamp(nanosecondsSinceEpoch: spans[k].endNanos))
            }
            report.sessions += 1
            report.spans += spans.count
        }

        /// Adds one session's metric values (cumulative counters and histograms).
        public func record(_ metrics: TelemetryMetrics) {
            for histogram in metrics.histograms {
                let handler =
                    recorders[histogram.name]
                    ?? factory.makeRecorder(label: histogram.name, dimensions: [], aggregate: true)
                recorders[histogram.name] = handler
                for value in histogram.values { handler.record(value) }
            }
            for counter in metrics.counters {
                let dimensions = counter.attributes.map { ($0.key, $0.value.description) }
                let key = counter.name + "|" + dimensions.map { "\($0.0)=\($0.1)" }.joined(separator: "|")
                if counter.value.rounded() == counter.value, counter.name != "rtscope.cost" {
                    let handler = counters[key] ?? factory.makeCounter(label: counter.name, dimensions: dimensions)
                    counters[key] = handler
                    handler.increment(by: Int64(counter.value))
                } else {
                    let handler =
                        floatCounters[key]
                        ?? factory.makeFloatingPointCounter(label: counter.name, dimensions: dimensions)
                    floatCounters[key] = handler
                    handler.increment(by: counter.value)
                }
            }
        }

        /// Flushes and stops; the report counts what swift-otel said failed.
        public func finish() async -> OTLPReport {
            await group.triggerGracefulShutdown()
            _ = try? await running.value
            var result = report
            let logged = failures.snapshot()
            result.failures = logged.failures
            result.droppedNotes = logged.drops
            result.firstFailure = logged.first
            return result
        }

        static func value(_ value: TelemetryValue) -> SpanAttribute {
            switch value {
            case .string(let s): .string(s)
            case .int(let i): .int64(i)
            case .double(let d): .double(d)
            case .bool(let b): .bool(b)
            case .strings(let a): .stringArray(a)
            }
        }
    }

    /// A recorded instant.
    struct Stamp: TracerInstant {
        let nanosecondsSinceEpoch: UInt64
        static func < (a: Stamp, b: Stamp) -> Bool { a.nanosecondsSinceEpoch < b.nanosecondsSinceEpoch }
    }

    struct HeaderExtractor: Extractor {
        func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
    }
#endif

/// A one-sentence reason an export cannot start.
public struct OTLPError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
