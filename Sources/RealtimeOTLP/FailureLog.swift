#if OTLP
    import Logging
    import NIOConcurrencyHelpers

    /// Collects what swift-otel's diagnostic logger says at warning level or above.
    ///
    /// Failed exports and dropped spans are counted, the first failure kept for one summary line. Nothing is
    /// printed from here (a command prints the summary once).
    final class FailureLog: Sendable {
        private let state = NIOLockedValueBox((failures: 0, drops: 0, first: String?.none))

        var logger: Logger { Logger(label: "rtscope.otlp") { _ in FailureLogHandler(log: self) } }

        func note(_ level: Logger.Level, _ message: String, _ metadata: Logger.Metadata) {
            guard level >= .warning else { return }
            state.withLockedValue { s in
                if message.contains("dropped") {
                    s.drops += Int(metadata["dropped_count"].map { "\($0)" } ?? "") ?? 1
                    return
                }
                s.failures += 1
                if s.first == nil {
                    var text = message
                    while text.hasSuffix(".") { text.removeLast() }
                    let details = metadata.filter { $0.key.hasPrefix("error") }.sorted { $0.key < $1.key }
                    s.first =
                        details.isEmpty
                        ? text : text + " (" + details.map { "\($0.value)" }.joined(separator: "; ") + ")"
                }
            }
        }

        func snapshot() -> (failures: Int, drops: Int, first: String?) { state.withLockedValue { $0 } }
    }

    struct FailureLogHandler: LogHandler {
        let log: FailureLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .warning

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var all = metadata
            if let extra = event.metadata { all.merge(extra) { $1 } }
            log.note(event.level, "\(event.message)", all)
        }
    }
#endif
