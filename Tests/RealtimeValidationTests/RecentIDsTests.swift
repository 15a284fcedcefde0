import Testing

@testable import RealtimeValidation

struct RecentIDsTests {
    @Test func aRepeatWithinTheWindowIsFoundWithItsFirstLine() {
        var ids = RecentIDs(generation: 1000)
        for i in 1...1500 { #expect(ids.firstUse(of: UInt64(i) &* 0x9E37_79B9_7F4A_7C15, line: i) == nil) }
        // The first 1000 ids are the previous generation, the rest the current one: all still known.
        #expect(ids.firstUse(of: 7 &* 0x9E37_79B9_7F4A_7C15, line: 9999)?.line == 7)
        #expect(ids.firstUse(of: 1400 &* 0x9E37_79B9_7F4A_7C15, line: 9999)?.line == 1400)
        #expect(ids.entry(of: 0) == nil)
    }

    @Test func idsOlderThanTwoGenerationsAreForgottenSoMemoryIsBounded() {
        var ids = RecentIDs(generation: 100)
        for i in 1...250 { _ = ids.firstUse(of: UInt64(i), line: i, tag: 3) }
        #expect(ids.entry(of: 1) == nil)  // forgotten: inserted two generations ago
        #expect(ids.entry(of: 150)?.tag == 3)
        #expect(ids.entry(of: 250)?.line == 250)
    }

    @Test func hashZeroIsAnOrdinaryKey() {
        var ids = RecentIDs()
        #expect(ids.firstUse(of: 0, line: 5) == nil)
        #expect(ids.firstUse(of: 0, line: 6)?.line == 5)
    }
}
