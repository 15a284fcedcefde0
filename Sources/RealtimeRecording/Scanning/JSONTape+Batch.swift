/// A tape that holds many documents one after another: the events of one read-ahead batch.
///
/// Why: handing one tape per event from the reading thread to the rules' thread moved each tape's header, its two
/// array headers and its reference count between the cores for every event, and on this project's VM, in the minutes
/// when cross-core traffic is slow, that handoff took more time than the rules. A batch tape is written front to back
/// by one thread and read front to back by the other: one object, one reference count and two buffers per batch.
///
/// Contract:
/// - A document's values read exactly as they would from a tape of its own: `append` shifts its node spans, keys and
///   sibling links by where its bytes and nodes start, and its root is the value returned.
/// - "Whole document" answers (`hasRepeatedKeys`, `repeatedKey`) stay per document: `repeated` lists the documents
///   that repeat a key (usually none), and `duplicate(inDocumentOf:)` looks the value's document up there.
/// - Appending is for the thread that builds the batch, before any other thread sees it; `removeAll` only when
///   nothing else holds the tape (checked with `isKnownUniquelyReferenced` by the caller).
/// - Offsets are 32-bit: the caller keeps a batch well under 2 GiB (the read-ahead closes a batch past 1 MiB).
extension JSONTape {
    /// An empty batch tape.
    public static func batch() -> JSONTape {
        let tape = JSONTape(bytes: [], nodes: [])
        tape.isBatch = true
        return tape
    }

    /// Bytes held by the tape's documents so far.
    public var byteCount: Int { bytes.count }

    /// Appends the event the scanner built nodes for (`ScannedTape`) from `line`; returns its root.
    public func append(_ scanned: ScannedTape, of line: UnsafeRawBufferPointer) -> JSONValue {
        precondition(isBatch, "append needs a batch tape")
        let byteBase = Int32(bytes.count)
        let nodeBase = Int32(nodes.count)
        bytes.append(
            contentsOf: UnsafeRawBufferPointer(rebasing: line[scanned.start..<scanned.end]).assumingMemoryBound(
                to: UInt8.self))
        nodes.append(contentsOf: scanned.nodes)
        nodes.withUnsafeMutableBufferPointer { all in
            for k in Int(nodeBase)..<all.count {
                all[k].start += byteBase
                all[k].end += byteBase
                if all[k].keyStart >= 0 {
                    all[k].keyStart += byteBase
                    all[k].keyEnd += byteBase
                }
                if all[k].next >= 0 { all[k].next += nodeBase }
            }
        }
        if scanned.duplicate >= 0 {
            repeated.append((nodeBase, Int32(nodes.count), scanned.duplicate + nodeBase))
            if duplicateNode < 0 { duplicateNode = scanned.duplicate + nodeBase }
        }
        return JSONValue(tape: self, index: nodeBase)
    }

    /// Empties a batch tape for the next batch, keeping its storage.
    public func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        nodes.removeAll(keepingCapacity: true)
        repeated.removeAll()
        duplicateNode = -1
    }

    /// The first repeated key of the document that node `node` belongs to, or -1.
    func duplicate(inDocumentOf node: Int32) -> Int32 {
        guard duplicateNode >= 0 else { return -1 }
        guard isBatch else { return duplicateNode }
        for document in repeated where document.root <= node && node < document.end { return document.duplicate }
        return -1
    }
}
