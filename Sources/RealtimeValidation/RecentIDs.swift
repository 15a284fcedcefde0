/// The event ids seen recently, as 64-bit hashes of their bytes, each with the line where it first appeared.
///
/// Memory is bounded: two generations of at most `generation` entries each (open addressing, 16 bytes per
/// slot at a load factor of at most one half: at most 4 MiB for the default, and only what is used, so a
/// short live session costs a few KiB), so validating a recording of any length stays flat. When the
/// current generation is full it becomes the previous one and the oldest is forgotten (its storage, cleared,
/// holds the next generation, so a long session stops allocating). Each entry carries a small caller-defined
/// tag (the validator stores which event type used the id).
///
/// Cost: one id is looked up in both generations and recorded with one probe sequence per table; a slot holds
/// the hash, the line and the tag together, so a lookup and its insert touch one cache line per table (the
/// tables outgrow the core's cache on long sessions, and this runs for every event).
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
    private struct Table {
        var slots: [Slot]
        var count = 0
        var mask: Int

        init(capacity: Int) {
            var size = 1
            while size < capacity * 2 { size <<= 1 }
            slots = Array(repeating: Slot(key: 0, line: 0, tag: 0), count: size)
            mask = size - 1
        }

        @inline(__always) static func key(_ hash: UInt64) -> UInt64 { hash == 0 ? 1 : hash }

        @inline(__always) func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: key ^ (key >> 29)) & mask }

        func find(_ hash: UInt64) -> Entry? {
            guard count > 0 else { return nil }
            let key = Self.key(hash)
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

        /// The entry of `hash` if present; otherwise stores `entry` for it (in the empty slot the probe ended on).
        mutating func findOrInsert(_ hash: UInt64, _ entry: Entry) -> Entry? {
            if (count + 1) * 2 > slots.count { grow() }
            let key = Self.key(hash)
            let mask = mask
            var slot = slot(key)
            let found = slots.withUnsafeMutableBufferPointer { slots -> Entry? in
                while true {
                    let k = slots[slot].key
                    if k == key { return slots[slot].entry }
                    if k == 0 {
                        slots[slot] = Slot(key: key, line: Int32(clamping: entry.line), tag: entry.tag)
                        return nil
                    }
                    slot = (slot + 1) & mask
                }
            }
            if found == nil { count += 1 }
            return found
        }

        /// Empties the table, keeping its storage.
        mutating func removeAll() {
            guard count > 0 else { return }
            slots.withUnsafeMutableBufferPointer { slots in
                for i in slots.indices { slots[i].key = 0 }
            }
            count = 0
        }

        private mutating func grow() {
            var bigger = Table(capacity: slots.count)
            for slot in slots where slot.key != 0 { _ = bigger.findOrInsert(slot.key, slot.entry) }
            self = bigger
        }
    }
}
