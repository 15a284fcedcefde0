public import RealtimeProtocol

/// A run of consecutive delta events of one stream, folded into one row.
public struct DeltaFold: Sendable, Equatable {
    public let type: String
    /// Values of the stream's key fields (catalog `StreamSpec.keys`), identifying the stream.
    public let streamKey: [String]
    public let payload: StreamPayload
    public var count: Int
    public var firstTUs: Int64
    public var lastTUs: Int64
    /// 1-based line of the first delta.
    public let firstLine: Int
    /// Accumulated text or JSON (empty for audio).
    public var text: String
    /// Total length of the base64 audio pieces (audio streams only).
    public var audioBase64Length: Int
}

/// Folds consecutive deltas of the same stream (same event type and same stream-key values,
/// per the catalog) into one `DeltaFold`. Deltas of different streams that interleave are not
/// merged across each other: only runs of adjacent events fold.
public struct DeltaFolder: Sendable {
    private var pending: DeltaFold?

    public init() {}

    /// Offers the next event. Returns the fold that ends before it (if any), and whether the event
    /// was absorbed into the pending fold (an absorbed event should not be shown on its own).
    public mutating func offer(type: String, spec: EventSpec?, event: [String: Any], tUs: Int64, line: Int)
        -> (flushed: DeltaFold?, absorbed: Bool)
    {
        guard let stream = spec?.stream else { return (finish(), false) }
        let key = stream.keys.map { EventSummary.value(at: $0, in: event).map { "\($0)" } ?? "" }
        let piece = event[stream.deltaField] as? String ?? ""
        if var fold = pending, fold.type == type, fold.streamKey == key {
            fold.count += 1
            fold.lastTUs = tUs
            if stream.payload == .audio { fold.audioBase64Length += piece.utf8.count } else { fold.text += piece }
            pending = fold
            return (nil, true)
        }
        let flushed = finish()
        pending = DeltaFold(
            type: type, streamKey: key, payload: stream.payload, count: 1, firstTUs: tUs, lastTUs: tUs, firstLine: line,
            text: stream.payload == .audio ? "" : piece, audioBase64Length: stream.payload == .audio ? piece.utf8.count : 0)
        return (flushed, true)
    }

    /// Ends the pending fold, if any, and returns it.
    public mutating func finish() -> DeltaFold? {
        defer { pending = nil }
        return pending
    }
}
