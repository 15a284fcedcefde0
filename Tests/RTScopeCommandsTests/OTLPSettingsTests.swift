import Testing

@testable import RealtimeOTLP

/// The OTLP protocol choice: flag over `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` over
/// `OTEL_EXPORTER_OTLP_PROTOCOL`, and gRPC only in a build with the `OTLPGRPC` trait.
@Suite struct OTLPSettingsTests {
    @Test func theFlagWinsOverTheEnvironmentAndTheSignalVariableOverTheGeneralOne() {
        let environment = ["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/json"]
        #expect(OTLPSettings(endpoint: nil).chosenProtocol(environment: environment) == "http/json")
        #expect(
            OTLPSettings(endpoint: nil, protocolName: "http/protobuf").chosenProtocol(environment: environment)
                == "http/protobuf")
        #expect(OTLPSettings(endpoint: nil).chosenProtocol(environment: [:]) == "http/protobuf")
    }

    @Test func httpJSONIsAcceptedAndAnUnknownProtocolIsNamed() {
        #expect(OTLPSettings(endpoint: "http://c:4318", protocolName: "http/json").problem(environment: [:]) == nil)
        let problem = OTLPSettings(endpoint: "http://c:4318", protocolName: "thrift").problem(environment: [:])
        #expect(problem == "unknown OTLP protocol 'thrift'; use http/protobuf, http/json or grpc.")
    }

    @Test func grpcIsRefusedWithTheTraitToBuildOnlyWhereItIsNotBuilt() {
        let problem = OTLPSettings(endpoint: "http://c:4317", protocolName: "grpc").problem(environment: [:])
        if OTLPSettings.grpcBuilt {
            #expect(problem == nil)
        } else {
            #expect(problem?.contains("--traits OTLPGRPC") == true)
        }
    }

    @Test func httpAppendsTheSignalPathAndGRPCUsesTheBaseURLAsItIs() {
        let http = OTLPSettings(endpoint: "http://c:4318/", protocolName: "http/json")
        #expect(http.signalEndpoint("/v1/traces", environment: [:]) == "http://c:4318/v1/traces")
        let grpc = OTLPSettings(endpoint: "http://c:4317", protocolName: "grpc")
        #expect(grpc.signalEndpoint("/v1/traces", environment: [:]) == "http://c:4317")
    }
}
