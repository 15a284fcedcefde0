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

    /// A long session cycles through many generations, each reusing the storage of the one it forgets: repeats within
    /// the window are still found with their first line and tag, older ids are forgotten, and a repeat is never
    /// recorded again.
    @Test func manyGenerationsReuseTheirTablesAndKeepTheWindow() {
        var ids = RecentIDs(generation: 100)
        for i in 1...1_050 { #expect(ids.firstUse(of: UInt64(i) &* 0x9E37_79B9_7F4A_7C15, line: i, tag: 2) == nil) }
        // 1001...1050 are the current generation, 901...1000 the previous one; 900 and older are forgotten.
        for i in [901, 950, 1000, 1001, 1050] {
            let seen = ids.firstUse(of: UInt64(i) &* 0x9E37_79B9_7F4A_7C15, line: 5_000)
            #expect(seen?.line == i)
            #expect(seen?.tag == 2)
        }
        for i in [1, 500, 899, 900] { #expect(ids.entry(of: UInt64(i) &* 0x9E37_79B9_7F4A_7C15) == nil) }
        // Forgotten ids are new again; the next generation switch then forgets 901...1000.
        for i in 1...60 { #expect(ids.firstUse(of: UInt64(i) &* 0x9E37_79B9_7F4A_7C15, line: 6_000 + i) == nil) }
        #expect(ids.entry(of: 950 &* 0x9E37_79B9_7F4A_7C15) == nil)
        #expect(ids.entry(of: 1050 &* 0x9E37_79B9_7F4A_7C15)?.line == 1050)
        #expect(ids.entry(of: 60 &* 0x9E37_79B9_7F4A_7C15)?.line == 6060)
    }
}

/// The filters in front of the tables: a fresh id (the common case) is usually turned away without a probe of either
/// table, and a held id is never turned away (the tests above find every repeat).
struct RecentIDsFilterTests {
    @Test func mostFreshIdsAreAnsweredByTheFiltersAlone() {
        var ids = RecentIDs(generation: 1000)
        var state: UInt64 = 0x1234_5678
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state ^ (state >> 31)
        }
        var held: [UInt64] = []
        for i in 1...1_800 {
            let hash = next()
            held.append(hash)
            #expect(ids.firstUse(of: hash, line: i) == nil)
        }
        for hash in held.suffix(1_500) { #expect(ids.probes(hash)) }
        var probed = 0
        for _ in 0..<10_000 where ids.probes(next()) { probed += 1 }
        // Two filters at about 1-2% each; without them every fresh id probes both tables.
        #expect(probed < 600)
    }
}
