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
    /// Whether an importer inferred the direction of any folded delta (`dir_inferred`).
    public var directionInferred = false
}

/// Folds runs of delta events, one `DeltaFold` per stream (event type plus the values of the catalog's
/// `StreamSpec.keys`).
///
/// A run ends at the first event that is not a delta; deltas of different streams inside one run (audio and transcript
/// deltas interleave) each fold into their own row, in order of first appearance.
public struct DeltaFolder: Sendable {
    private var pending: [DeltaFold] = []

    public init() {}

    /// Offers the next event.
    ///
    /// Returns the folds that end before it (a non-delta event ends the run), and whether the event was absorbed (an
    /// absorbed event is not shown on its own).
    /// - Parameter inferred: whether the event's direction was inferred by an importer; a fold
    ///   with any such delta is marked `directionInferred`.
    public mutating func offer(
        type: String, spec: EventSpec?, event: JSON, tUs: Int64, line: Int, inferred: Bool = false
    )
        -> (flushed: [DeltaFold], absorbed: Bool)
    {
        guard let stream = spec?.stream else { return (finish(), false) }
        let key = stream.keys.map { event.value(at: $0).map { $0.string ?? $0.encoded } ?? "" }
        let piece = event[stream.deltaField]?.string ?? ""
        let isAudio = stream.payload == .audio
        if let index = pending.firstIndex(where: { $0.type == type && $0.streamKey == key }) {
            pending[index].count += 1
            pending[index].lastTUs = tUs
            if isAudio { pending[index].audioBase64Length += piece.utf8.count } else { pending[index].text += piece }
            if inferred { pending[index].directionInferred = true }
        } else {
            pending.append(
                DeltaFold(
                    type: type, streamKey: key, payload: stream.payload, count: 1, firstTUs: tUs, lastTUs: tUs,
                    firstLine: line, text: isAudio ? "" : piece, audioBase64Length: isAudio ? piece.utf8.count : 0,
                    directionInferred: inferred))
        }
        return ([], true)
    }

    /// Ends the current run and returns its folds in order of first appearance.
    public mutating func finish() -> [DeltaFold] {
        defer { pending.removeAll() }
        return pending
    }
}
