import Foundation
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

    @Test func outNamingAnExistingFileExitsWith73InOneSentence() throws {
        let file = CLI.temporaryPath("not-a-folder")
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let result = try CLI.run(
            ["record", "--upstream", "ws://127.0.0.1:9/v1/realtime", "--listen", "127.0.0.1:0", "--out", file])
        #expect(result.status == 73)
        #expect(result.stderr.contains(file) && result.stderr.contains("not a folder"))
        #expect(!result.stderr.contains("NSCocoaErrorDomain"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func limitOptionsAreChecked() throws {
        let bad = try CLI.run(["record", "--openai", "--max-frame-size", "12"])
        #expect(bad.status == 64 && bad.stderr.contains("--max-frame-size"))
        #expect(RTScope.Record.bytes("64K", minimum: 1 << 10) == 64 << 10)
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
