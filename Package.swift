// swift-tools-version: 6.1
import PackageDescription

/// One settings array for every target: Swift 6 language mode plus the stricter upcoming features.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// The validator's hot path (reader, tape, rules) also drops dynamic exclusivity checks in release builds.
///
/// They were 8 % of `rtscope validate` (perf). Debug builds, which run the tests, keep them.
let hotPathSettings =
    strictSettings + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "rtscope",
    products: [
        .executable(name: "rtscope", targets: ["rtscope"]),
        .executable(name: "rtscope-samples", targets: ["rtscope-samples"]),
    ],
    // OTLP export (`rtscope export otlp`, `record --otlp`) needs swift-otel, whose first build takes minutes:
    // it is compiled only with `--traits OTLP` (docs/observability.md). The span/metric mapping is always built.
    // `--traits OTLPGRPC` adds swift-otel's OTLP/gRPC exporter (grpc-swift 2) for `--protocol grpc`; it builds longer.
    traits: [
        .trait(name: "OTLP", description: "OpenTelemetry (OTLP/HTTP protobuf) export through swift-otel"),
        .trait(name: "OTLPGRPC", description: "OTLP export over gRPC as well (implies OTLP)", enabledTraits: ["OTLP"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(
            url: "https://github.com/swift-otel/swift-otel", from: "1.6.0",
            traits: ["OTLPHTTP", .trait(name: "OTLPGRPC", condition: .when(traits: ["OTLPGRPC"]))]),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // Layer 1: protocol knowledge as data (event catalog, dialects, safe text). No I/O.
        .target(name: "RealtimeProtocol", swiftSettings: strictSettings),
        // Layer 2: recording format v1, streaming reader, writer, importers, filters, summaries.
        .target(name: "RealtimeRecording", dependencies: ["RealtimeProtocol"], swiftSettings: hotPathSettings),
        // Layer 3: the sans-I/O protocol validator, its rules and CI reporters.
        .target(
            name: "RealtimeValidation", dependencies: ["RealtimeProtocol", "RealtimeRecording"],
            swiftSettings: hotPathSettings),
        // Layer 4: the session model (responses, turns, tool calls, barge-ins, audio chunks, usage) every view reads.
        .target(
            name: "RealtimeSession", dependencies: ["RealtimeProtocol", "RealtimeRecording", "RealtimeValidation"],
            swiftSettings: strictSettings),
        // Layer 4: the timeline's pure model, widgets and screen buffer (no curses).
        .target(
            name: "TimelineModel",
            dependencies: ["RealtimeProtocol", "RealtimeRecording", "RealtimeValidation", "RealtimeSession"],
            swiftSettings: strictSettings),
        // Layer 4: a simulated Realtime server as a pure state machine (client event in, server events out).
        .target(
            name: "RealtimeSimulation", dependencies: ["RealtimeProtocol", "RealtimeRecording"],
            swiftSettings: strictSettings),
        // Layer 5: WebSocket frames as bytes (RFC 6455 framing and masking on NIO's ByteBuffer), sans-I/O, for the
        // relay and the fuzzer.
        .target(
            name: "RealtimeWire",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strictSettings),
        // Layer 5: SwiftNIO transport: the recording proxy, the simulated server's socket, a scripted client.
        .target(
            name: "RealtimeProxy",
            dependencies: [
                "RealtimeProtocol", "RealtimeRecording", "RealtimeValidation", "RealtimeSimulation", "RealtimeSession",
                "RealtimeWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictSettings),
        // Layer 5: sans-I/O mapping of a session model to OpenTelemetry spans and metric values (no swift-otel).
        .target(
            name: "RealtimeTelemetry",
            dependencies: ["RealtimeProtocol", "RealtimeRecording", "RealtimeValidation", "RealtimeSession"],
            swiftSettings: strictSettings),
        // Layer 5: OTLP export of RealtimeTelemetry's spans and metrics through swift-otel (only with trait OTLP).
        .target(
            name: "RealtimeOTLP",
            dependencies: [
                "RealtimeTelemetry", "RealtimeSession", "RealtimeRecording",
                .product(name: "OTel", package: "swift-otel", condition: .when(traits: ["OTLP"])),
                .product(name: "Tracing", package: "swift-distributed-tracing", condition: .when(traits: ["OTLP"])),
                .product(name: "CoreMetrics", package: "swift-metrics", condition: .when(traits: ["OTLP"])),
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["OTLP"])),
                .product(
                    name: "ServiceLifecycle", package: "swift-service-lifecycle", condition: .when(traits: ["OTLP"])),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio", condition: .when(traits: ["OTLP"])),
            ],
            swiftSettings: strictSettings),
        // Layer 5: paints a ScreenBuffer with ncursesw and reads keys.
        .systemLibrary(name: "CNcursesw", providers: [.apt(["libncurses-dev"])]),
        .target(
            name: "TerminalUI", dependencies: ["TimelineModel", "RealtimeSession", "CNcursesw"],
            swiftSettings: strictSettings),
        // Command-line layer: one subcommand per file; the executable is a one-line main.
        .target(
            name: "RTScopeCommands",
            dependencies: [
                "RealtimeProtocol",
                "RealtimeRecording",
                "RealtimeValidation",
                "TimelineModel",
                "TerminalUI",
                "RealtimeSimulation",
                "RealtimeProxy",
                "RealtimeSession",
                "RealtimeTelemetry",
                "RealtimeOTLP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "rtscope",
            dependencies: ["RTScopeCommands", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strictSettings
        ),
        // Benchmark driver: generates corpora and times rtscope against wc and jq. Never run by tests.
        .executableTarget(
            name: "rtscope-bench",
            dependencies: ["RealtimeRecording"],
            swiftSettings: strictSettings
        ),
        // Writes (or with --check compares) recordings/*.jsonl from the simulator and scripted clients.
        .executableTarget(
            name: "rtscope-samples", dependencies: ["RealtimeSimulation"], swiftSettings: strictSettings),
        // Fuzz target: libFuzzer entry point with -sanitize=fuzzer -DFUZZING (scripts/fuzz.sh), else a
        // replay runner over saved inputs (Tests/Fuzz/corpus and its crash fixtures).
        .executableTarget(
            name: "rtscope-fuzz",
            dependencies: [
                "RealtimeRecording", "RealtimeValidation", "RealtimeSession", "TimelineModel", "RealtimeWire",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // Proxy benchmark: added latency per hop, throughput, CPU per frame and RSS of `rtscope record`.
        .executableTarget(
            name: "rtscope-proxy-bench",
            dependencies: [
                "RealtimeProxy",
                "RealtimeProtocol",
                "RealtimeRecording",
                "RealtimeWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "RealtimeProtocolTests", dependencies: ["RealtimeProtocol"], swiftSettings: strictSettings),
        .testTarget(
            name: "RealtimeRecordingTests",
            dependencies: ["RealtimeRecording", "RealtimeProtocol"],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RealtimeValidationTests",
            dependencies: ["RealtimeValidation", "RealtimeRecording", "RealtimeProtocol"],
            exclude: ["Snapshots"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RealtimeSessionTests",
            dependencies: ["RealtimeSession", "RealtimeValidation", "RealtimeRecording", "RealtimeProtocol"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "TimelineModelTests",
            dependencies: [
                "TimelineModel", "RealtimeSession", "RealtimeValidation", "RealtimeRecording", "RealtimeProtocol",
            ],
            exclude: ["Snapshots"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RealtimeSimulationTests",
            dependencies: ["RealtimeSimulation", "RealtimeValidation", "RealtimeRecording", "RealtimeProtocol"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RealtimeProxyTests",
            dependencies: [
                "RealtimeProxy", "RealtimeSimulation", "RealtimeRecording", "RealtimeValidation", "RealtimeProtocol",
                "RealtimeSession", "RealtimeWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RealtimeTelemetryTests",
            dependencies: [
                "RealtimeTelemetry", "RealtimeSession", "RealtimeValidation", "RealtimeRecording", "RealtimeProtocol",
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RTScopeCommandsTests",
            dependencies: [
                "RTScopeCommands", "RealtimeRecording", "RealtimeProtocol", "RealtimeValidation", "RealtimeProxy",
                "RealtimeOTLP",
            ],
            swiftSettings: strictSettings
        ),
    ]
)
