public import RealtimeTelemetry

/// The one entry point commands use: sessions in, OTLP out.
///
/// It exists in every build; without the
/// `OTLP` trait its initializer throws a one-sentence error saying how to build with it.
///
/// Not thread-safe: one caller sends sessions in order, then calls `finish()` once.
public final class OTLPSink: @unchecked Sendable {
    #if OTLP
        private let exporter: OTLPExporter
    #endif
    private let options: SessionTelemetry.Options

    /// - Throws: `OTLPError` for unusable settings, or when this build has no OTLP export.
    public init(settings: OTLPSettings, options: SessionTelemetry.Options = .init()) throws {
        self.options = options
        #if OTLP
            exporter = try OTLPExporter(settings: settings)
        #else
            throw OTLPError(message: OTLPAvailability.howToBuild)
        #endif
    }

    /// Maps one session to spans and metric values and queues them for export.
    public func send(_ source: TelemetrySource) {
        #if OTLP
            exporter.export(
                SessionTelemetry.spans(source, options: options), identity: SessionTelemetry.identity(source))
            exporter.record(TelemetryMetrics(source, prices: options.prices))
        #endif
    }

    /// Sends what is queued (spans, then the metrics once) and stops.
    public func finish() async -> OTLPReport {
        #if OTLP
            return await exporter.finish()
        #else
            return OTLPReport()
        #endif
    }
}
