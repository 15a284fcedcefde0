/// The event ids seen recently, as 64-bit hashes of their bytes, each with the line where it first appeared.
///
/// Memory is bounded: two generations of at most `generation` entries each (open addressing, 16 bytes per
/// slot at a load factor of at most one half: at most 4 MiB for the default, and only what is used, so a
/// short live session costs a few KiB), so validating a recording of any length stays flat. When the
/// current generation is full it becomes the previous one and the oldest is forgotten. Each entry carries
/// a small caller-defined tag (the validator stores which event type used the id).
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
        if let seen = current.find(hash) ?? previous.find(hash) { return seen }
        if current.count >= generation {
            swap(&current, &previous)
            current = Table(capacity: 16)
        }
        current.insert(hash, Entry(line: line, tag: tag))
        return nil
    }

    /// The earlier use of `hash`, without recording it.
    func entry(of hash: UInt64) -> Entry? { current.find(hash) ?? previous.find(hash) }

    struct Entry {
        let line: Int
        let tag: UInt32
    }

    /// Open addressing with linear probing over a power-of-two table that doubles at half load; key 0 marks an
    /// empty slot.
    private struct Table {
        var keys: [UInt64]
        var values: [(Int32, UInt32)]
        var count = 0
        var mask: Int

        init(capacity: Int) {
            var size = 1
            while size < capacity * 2 { size <<= 1 }
            keys = Array(repeating: 0, count: size)
            values = Array(repeating: (0, 0), count: size)
            mask = size - 1
        }

        @inline(__always) static func key(_ hash: UInt64) -> UInt64 { hash == 0 ? 1 : hash }

        @inline(__always) func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: key ^ (key >> 29)) & mask }

        func find(_ hash: UInt64) -> Entry? {
            guard count > 0 else { return nil }
            let key = Self.key(hash)
            var slot = slot(key)
            while true {
                let k = keys[slot]
                if k == key { return Entry(line: Int(values[slot].0), tag: values[slot].1) }
                if k == 0 { return nil }
                slot = (slot + 1) & mask
            }
        }

        mutating func insert(_ hash: UInt64, _ entry: Entry) {
            if (count + 1) * 2 > keys.count { grow() }
            let key = Self.key(hash)
            var slot = slot(key)
            while keys[slot] != 0 && keys[slot] != key { slot = (slot + 1) & mask }
            if keys[slot] == 0 { count += 1 }
            keys[slot] = key
            values[slot] = (Int32(clamping: entry.line), entry.tag)
        }

        private mutating func grow() {
            var bigger = Table(capacity: keys.count)
            for (i, key) in keys.enumerated() where key != 0 {
                bigger.insert(key, Entry(line: Int(values[i].0), tag: values[i].1))
            }
            self = bigger
        }
    }
}
