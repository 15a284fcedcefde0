public import RealtimeProtocol

/// One conversation item as it stands at some point of the session.
public struct ConversationItem: Sendable, Hashable {
    public let id: String
    public var type: String
    public var role: String
    public var status: String
    /// Text or transcript so far (from the item, its deltas, or its input transcription).
    public var text: String
    /// Set when a truncate cut the item's audio (what the user heard, in ms).
    public var truncatedAtMs: Int?
}

/// The conversation's items in order, rebuilt by replaying events: what the model "remembers" at a given event.
///
/// Pure: `apply` takes a decoded event and changes nothing else.
///
/// The event names it reacts to are listed in `ConversationEvents` (checked against the catalog by
/// a test); GA names are mapped to beta ones through the catalog first.
public struct ConversationState: Sendable, Hashable {
    public private(set) var items: [ConversationItem] = []
    /// Responses between their `response.created` and `response.done`, in the order they started.
    public private(set) var openResponses: [String] = []

    public init() {}

    public mutating func apply(_ event: [String: Any], catalog: EventCatalog = .standard) {
        guard let raw = event["type"] as? String else { return }
        let type = catalog.canonicalName(of: raw)
        let item = event["item"] as? [String: Any]
        switch type {
        case ConversationEvents.created, ConversationEvents.done, ConversationEvents.outputItemDone:
            guard let item, let id = item["id"] as? String else { return }
            upsert(
                item, id: id, after: event["previous_item_id"] as? String, insert: type == ConversationEvents.created)
        case ConversationEvents.responseCreated:
            if let id = (event["response"] as? [String: Any])?["id"] as? String, !openResponses.contains(id) {
                openResponses.append(id)
            }
        case ConversationEvents.responseDone:
            let id = (event["response"] as? [String: Any])?["id"] as? String
            openResponses.removeAll { $0 == id }
        case ConversationEvents.deleted:
            items.removeAll { $0.id == event["item_id"] as? String }
        case ConversationEvents.truncated:
            guard let i = index(event["item_id"]) else { return }
            items[i].truncatedAtMs = event["audio_end_ms"] as? Int
            items[i].text = ""  // the server drops the transcript of a truncated item
        case ConversationEvents.transcriptionCompleted:
            guard let i = index(event["item_id"]) else { return }
            items[i].text = event["transcript"] as? String ?? items[i].text
        default:
            // Deltas of text, transcripts and arguments grow their item's text.
            guard let stream = catalog.spec(for: type)?.stream, stream.payload != .audio,
                let i = index(event["item_id"]),
                let piece = event[stream.deltaField] as? String
            else { return }
            items[i].text += piece
        }
    }

    private func index(_ id: Any?) -> Int? {
        guard let id = id as? String else { return nil }
        return items.lastIndex { $0.id == id }
    }

    private mutating func upsert(_ item: [String: Any], id: String, after previous: String?, insert: Bool) {
        let content = item["content"] as? [[String: Any]] ?? []
        var text = content.compactMap { ($0["text"] as? String) ?? ($0["transcript"] as? String) }.joined(
            separator: " ")
        if text.isEmpty, !content.isEmpty {
            text = content.compactMap { $0["type"] as? String }.map { "[\($0)]" }.joined(separator: " ")
        }
        let fresh = ConversationItem(
            id: id, type: item["type"] as? String ?? "?", role: item["role"] as? String ?? "",
            status: item["status"] as? String ?? "",
            text: text.isEmpty ? (item["arguments"] as? String ?? item["output"] as? String ?? "") : text,
            truncatedAtMs: nil)
        if let i = index(id) {
            items[i].status = fresh.status.isEmpty ? items[i].status : fresh.status
            if !fresh.text.isEmpty, !fresh.text.hasPrefix("["), items[i].truncatedAtMs == nil {
                items[i].text = fresh.text
            }
            return
        }
        guard insert else { return }
        if let previous, let p = index(previous) {
            items.insert(fresh, at: p + 1)
        } else if previous == "root" {
            items.insert(fresh, at: 0)
        } else {
            items.append(fresh)
        }
    }
}

/// The event names the conversation replay reacts to (beta spelling; a test checks the catalog has them).
public enum ConversationEvents {
    public static let created = "conversation.item.created"
    public static let done = "conversation.item.done"
    public static let outputItemDone = "response.output_item.done"
    public static let deleted = "conversation.item.deleted"
    public static let truncated = "conversation.item.truncated"
    public static let transcriptionCompleted = "conversation.item.input_audio_transcription.completed"
    public static let responseCreated = "response.created"
    public static let responseDone = "response.done"
    public static let all = [
        created, done, outputItemDone, deleted, truncated, transcriptionCompleted, responseCreated, responseDone,
    ]
}
