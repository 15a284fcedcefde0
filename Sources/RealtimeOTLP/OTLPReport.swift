/// What an export did, for the one-line summary a command prints.
public struct OTLPReport: Sendable {
    public var sessions = 0
    public var spans = 0
    /// Export attempts swift-otel reported as failed (a batch of spans or one metrics export).
    public var failures = 0
    /// Spans swift-otel's queue dropped.
    public var droppedNotes = 0
    /// The first failure swift-otel logged, without header values (it never logs them).
    public var firstFailure: String?

    public init() {}
}

/// Whether this build carries the OTLP exporter (SwiftPM trait `OTLP`, which compiles swift-otel).
public enum OTLPAvailability {
    #if OTLP
        public static let isBuiltIn = true
    #else
        public static let isBuiltIn = false
    #endif
    /// How to get a build that has it.
    public static let howToBuild =
        "this rtscope was built without OTLP export; rebuild with `swift build -c release --traits OTLP` (docs/observability.md)."
}
