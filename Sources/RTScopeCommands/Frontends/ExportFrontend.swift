import ArgumentParser
import RealtimeOTLP
import RealtimeRecording
import RealtimeSession
import RealtimeTelemetry

/// Carries out `rtscope export otlp`: read each file once, map it, queue it, then flush once and
/// print one summary line (and one line for failures, never per batch).
enum ExportFrontend {
    /// - Throws: `ExitCode` 69 when the exporter cannot start or the collector failed; 65/66 for
    ///   unreadable inputs (after the readable ones were sent).
    static func run(files: [String], settings: OTLPSettings, includeText: Bool, pricesPath: String?) async throws {
        let prices = try StatsFrontend.prices(pricesPath)
        let sink: OTLPSink
        do {
            sink = try OTLPSink(settings: settings, options: .init(includeText: includeText, prices: prices))
        } catch {
            Diagnostics.print("rtscope export otlp: \(error)")
            throw ExitCodes.cannotListen
        }
        var failure: Int32?
        for path in files {
            do {
                sink.send(try TelemetrySource.load(path))
            } catch let error as RecordingError {
                Diagnostics.print("rtscope: \(error)")
                failure = max(failure ?? 0, ExitCodes.code(for: error).rawValue)
            } catch {
                Diagnostics.print("rtscope: \(path): \(error)")
                failure = max(failure ?? 0, ExitCodes.cannotRead.rawValue)
            }
        }
        let report = await sink.finish()
        Diagnostics.print(
            "rtscope export otlp: \(report.sessions) session(s), \(report.spans) span(s) to \(settings.endpoint ?? "the OTEL_EXPORTER_OTLP_* endpoint")."
        )
        if report.droppedNotes > 0 {
            Diagnostics.print("rtscope export otlp: \(report.droppedNotes) span(s) dropped by the export queue.")
        }
        if report.failures > 0 {
            Diagnostics.print(
                "rtscope export otlp: \(report.failures) export request(s) failed; first: \(report.firstFailure ?? "unknown")."
            )
            throw ExitCodes.cannotListen
        }
        if let failure { throw ExitCode(failure) }
    }
}
