import Testing

@testable import RTScopeCommands

struct RecordOptionsTests {
    @Test func rotateSizesUseBinaryUnitsAndRefuseTinyOrMalformedValues() {
        #expect(RTScope.Record.bytes("500M") == 500 << 20)
        #expect(RTScope.Record.bytes("2G") == 2 << 30)
        #expect(RTScope.Record.bytes("2GiB") == 2 << 30)
        #expect(RTScope.Record.bytes("1048576") == 1 << 20)
        #expect(RTScope.Record.bytes("64K") == nil)  // under 1 MiB
        #expect(RTScope.Record.bytes("lots") == nil)
        #expect(RTScope.Record.bytes("-5M") == nil)
    }

    @Test func listenAddressesParseAndOnlyLoopbackIsLocal() {
        #expect(ListenAddress.parse("127.0.0.1:8765")! == ("127.0.0.1", 8765))
        #expect(ListenAddress.parse(":9000")! == ("127.0.0.1", 9000))
        #expect(ListenAddress.parse("[::1]:9000")! == ("::1", 9000))
        #expect(ListenAddress.parse("localhost") == nil)
        #expect(ListenAddress.isLoopback("127.0.0.1") && ListenAddress.isLoopback("::1"))
        #expect(!ListenAddress.isLoopback("0.0.0.0"))
    }
}
