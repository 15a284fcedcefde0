/// The event ids seen recently, as 64-bit hashes of their bytes, each with the line where it first appeared.
///
/// Memory is bounded: two generations of at most `generation` entries each (open addressing, 16 bytes per
/// slot and 1 byte of filter at a load factor of at most one half: at most 4.25 MiB for the default, and only
/// what is used, so a short live session costs a few KiB), so validating a recording of any length stays flat. When the
/// current generation is full it becomes the previous one and the oldest is forgotten (its storage, cleared,
/// holds the next generation, so a long session stops allocating). Each entry carries a small caller-defined
/// tag (the validator stores which event type used the id).
///
/// Cost: one id is looked up in both generations and recorded in the current one. Each table has a small filter
/// (two bits per key in one 64-bit word, 1/16 of the table's size, so it stays in the core's cache) that answers
/// most lookups of a fresh id, the common case, without touching the table; a fresh id is then set aside and placed
/// with the next 15, so the table's cache misses (the tables outgrow the core's cache on long sessions, and this
/// runs for every event) overlap instead of stalling each event. The filter only ever says "maybe", never "no"
/// for a key the table holds, so it changes no answer. A slot holds the hash, the line and the tag together.
///
/// - Limit: a duplicate is found when its first use is among the last `generation` to `2 × generation`
///   ids inserted (65,536 to 131,072 by default); a repeat older than that is not reported.
/// - Hashes are FNV-1a of the id's raw bytes; two different ids with the same 64-bit hash would be
///   taken for a duplicate (about one chance in 10^9 per million ids).
struct RecentIDs {
    private var current: Table
    private var previous: Table
    let generation: Int

    init(generation: Int = 65_536) {
        self.generation = generation
        current = Table(capacity: 16)
        previous = Table(capacity: 0)
    }

    /// The earlier use of `hash` if it was seen recently; otherwise records it at `line` with `tag` and returns `nil`.
    mutating func firstUse(of hash: UInt64, line: Int, tag: UInt32 = 0) -> Entry? {
        // An id is never in both generations (it is recorded only when in neither), so the order of the lookups
        // does not matter; the previous one goes first so that the current one's probe can end in the insert.
        if let seen = previous.find(hash) { return seen }
        if current.count >= generation {
            swap(&current, &previous)
            current.removeAll()  // keeps the storage of the generation just forgotten
            if let seen = previous.find(hash) { return seen }
        }
        return current.findOrInsert(hash, Entry(line: line, tag: tag))
    }

    /// The earlier use of `hash`, without recording it.
    func entry(of hash: UInt64) -> Entry? { current.find(hash) ?? previous.find(hash) }

    /// Whether a lookup of `hash` would have to probe either table (tests: how often the filters answer alone).
    func probes(_ hash: UInt64) -> Bool {
        current.count > 0 && current.mayContain(Table.key(hash))
            || previous.count > 0 && previous.mayContain(Table.key(hash))
    }

    struct Entry {
        let line: Int
        let tag: UInt32
    }

    /// One slot: the key (0: empty) with its entry, 16 bytes.
    private struct Slot {
        var key: UInt64
        var line: Int32
        var tag: UInt32

        var entry: Entry { Entry(line: Int(line), tag: tag) }
    }

    /// Open addressing with linear probing over a power-of-two table that doubles at half load; key 0 marks an
    /// empty slot.
    ///
    /// `filter` has one word per 8 slots with two bits set per key held (a blocked Bloom filter: at most half load,
    /// so at most 16 bits per key, about 1.4% false "maybe" answers). A key the filter has never seen is certainly
    /// new: it waits in `pending` (up to `pendingLimit`) and the pending keys are placed together, so their probes
    /// (each a likely cache miss once the table outgrows the cache) overlap instead of stalling one event each.
    /// Invariants: `count` counts the slots in use and the pending keys; `slots.count >= 2 * count`; every key held
    /// (placed or pending) has its filter bits set; no key is held twice.
    private struct Table {
        var slots: [Slot]
        var filter: [UInt64]
        var pending: [Slot] = []
        var count = 0
        var mask: Int
        var filterMask: Int
        static let pendingLimit = 16

        init(capacity: Int) {
            var size = 1
            while size < capacity * 2 { size <<= 1 }
            slots = Array(repeating: Slot(key: 0, line: 0, tag: 0), count: size)
            mask = size - 1
            let words = max(1, size / 8)
            filter = Array(repeating: 0, count: words)
            filterMask = words - 1
        }

        @inline(__always) static func key(_ hash: UInt64) -> UInt64 { hash == 0 ? 1 : hash }

        @inline(__always) func slot(_ key: UInt64) -> Int { Self.slot(key, mask) }

        @inline(__always) static func slot(_ key: UInt64, _ mask: Int) -> Int {
            Int(truncatingIfNeeded: key ^ (key >> 29)) & mask
        }

        /// The filter word of `key` and its two bits (from a multiplicative mix of the key, so poorly mixed hashes such
        /// as small integers still spread).
        @inline(__always) func filterBits(_ key: UInt64) -> (word: Int, bits: UInt64) {
            let mixed = key &* 0x9E37_79B9_7F4A_7C15
            let word = Int(truncatingIfNeeded: mixed >> 32) & filterMask
            return (word, 1 << (mixed >> 58) | 1 << ((mixed >> 52) & 63))
        }

        /// `false` when the table certainly does not hold `key`.
        @inline(__always) func mayContain(_ key: UInt64) -> Bool {
            let (word, bits) = filterBits(key)
            return filter.withUnsafeBufferPointer { $0[word] } & bits == bits
        }

        func find(_ hash: UInt64) -> Entry? {
            guard count > 0 else { return nil }
            let key = Self.key(hash)
            guard mayContain(key) else { return nil }
            return held(key)
        }

        /// The entry of `key`, pending or placed.
        private func held(_ key: UInt64) -> Entry? {
            for waiting in pending where waiting.key == key { return waiting.entry }
            return slots.withUnsafeBufferPointer { slots in
                var slot = slot(key)
                while true {
                    let k = slots[slot].key
                    if k == key { return slots[slot].entry }
                    if k == 0 { return nil }
                    slot = (slot + 1) & mask
                }
            }
        }

        /// The entry of `hash` if present; otherwise stores `entry` for it and returns `nil`.
        mutating func findOrInsert(_ hash: UInt64, _ entry: Entry) -> Entry? {
            if (count + 1) * 2 > slots.count { grow() }
            let key = Self.key(hash)
            let (word, bits) = filterBits(key)
            let seen = filter.withUnsafeBufferPointer { $0[word] } & bits == bits
            if seen, let found = held(key) { return found }
            if !seen { filter.withUnsafeMutableBufferPointer { $0[word] |= bits } }
            pending.append(Slot(key: key, line: Int32(clamping: entry.line), tag: entry.tag))
            count += 1
            if pending.count >= Self.pendingLimit { place() }
            return nil
        }

        /// Moves the pending keys into their slots (none is in the table, and there is room: see the invariants).
        private mutating func place() {
            guard !pending.isEmpty else { return }
            let mask = mask
            slots.withUnsafeMutableBufferPointer { slots in
                pending.withUnsafeBufferPointer { pending in
                    for waiting in pending {
                        var slot = Self.slot(waiting.key, mask)
                        while slots[slot].key != 0 { slot = (slot + 1) & mask }
                        slots[slot] = waiting
                    }
                }
            }
            pending.removeAll(keepingCapacity: true)
        }

        /// Empties the table, keeping its storage.
        mutating func removeAll() {
            guard count > 0 else { return }
            slots.withUnsafeMutableBufferPointer { slots in
                for i in slots.indices { slots[i].key = 0 }
            }
            filter.withUnsafeMutableBufferPointer { filter in
                for i in filter.indices { filter[i] = 0 }
            }
            pending.removeAll(keepingCapacity: true)
            count = 0
        }

        private mutating func grow() {
            place()
            var bigger = Table(capacity: slots.count)
            for slot in slots where slot.key != 0 {
                let (word, bits) = bigger.filterBits(slot.key)
                bigger.filter[word] |= bits
                bigger.pending.append(slot)
                if bigger.pending.count >= Self.pendingLimit { bigger.place() }
            }
            bigger.place()
            bigger.count = count
            self = bigger
        }
    }
}
