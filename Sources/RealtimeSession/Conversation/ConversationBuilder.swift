import RealtimeProtocol
import RealtimeRecording

/// Builds a `ConversationLog` from events, one at a time (sans-I/O); `SessionModelBuilder` feeds it every frame.
///
/// What it reacts to (beta spellings; GA names arrive mapped by the caller), as the timeline's conversation pane has
/// always shown it:
/// - `conversation.item.created` inserts an item after its `previous_item_id` (`root`: first; unknown or absent: at
///   the end); a second create of an item present updates it as a `done` does;
/// - `conversation.item.done` and `response.output_item.done` update an item present: its status, and texts the
///   event carries (non-empty ones, unless the item was truncated);
/// - `conversation.item.deleted` removes it; `conversation.item.truncated` marks it and drops its texts;
/// - `…input_audio_transcription.completed` sets a part's transcript;
/// - text, transcript and argument deltas grow a part's text (no `content_index`: the call's arguments), audio deltas
///   extend a part's audio reference; `response.created` / `response.done` open and close a response.
struct ConversationBuilder {
    private enum Role {
        case ignored, created, done, deleted, truncated, transcript, responseCreated, responseDone
        case textDelta(field: String)
        case audioDelta(field: String)
    }

    private let catalog: EventCatalog
    private(set) var log = ConversationLog()
    /// The latest slot of each item id.
    private var slots: [String: Int32] = [:]
    /// Roles by a hash of the event type's bytes.
    private var roles: [UInt64: Role] = [:]
    /// The slot the last delta named, by a hash of its item id's bytes (deltas come in runs).
    private var lastItem: (hash: UInt64, slot: Int32)?

    init(catalog: EventCatalog) { self.catalog = catalog }

    /// Takes frame `event` (0-based ordinal) at `line`, whose canonical type is `type` (`typeHash`: its raw bytes').
    mutating func consume(type: String, typeHash: UInt64, _ object: JSONValue, event: Int, at: Moment) {
        let role = roles[typeHash] ?? classify(type, typeHash)
        let e = Int32(clamping: event)
        let line = Int32(clamping: at.line)
        switch role {
        case .ignored: return
        case .textDelta(let field):
            guard let slot = slot(object["item_id"]), let piece = object[field]?.string else { return }
            let part = object["content_index"]?.int.map { Int16(clamping: $0) } ?? ReplayState.body
            if part != ReplayState.body { notePart(slot, Int(part), type: "text", listed: false, event: event) }
            append(piece, slot, part, e, line)
        case .audioDelta(let field):
            guard let slot = slot(object["item_id"]), let delta = object[field] else { return }
            let k = notePart(slot, object["content_index"]?.int ?? 0, type: "audio", listed: false, event: event)
            var audio =
                log.records[Int(slot)].parts[k].audio
                ?? AudioReference(firstLine: at.line, lastLine: at.line, chunks: 0, base64Bytes: 0)
            audio.lastLine = at.line
            audio.chunks += 1
            audio.base64Bytes += delta.byteCount
            log.records[Int(slot)].parts[k].audio = audio
        case .created, .done:
            guard let item = object["item"], let id = item["id"]?.string else { return }
            if let slot = slots[id], log.live.present(slot) {
                update(slot, item, object, e, line, event: event)
            } else if case .created = role {
                insert(id, item, object, e, at, event: event)
            }
        case .deleted:
            guard let slot = slot(object["item_id"]) else { return }
            log.record(Change(.deleted, event: e, line: line, slot: slot))
        case .truncated:
            guard let slot = slot(object["item_id"]) else { return }
            let ms = object["audio_end_ms"]?.int.map { Int32(clamping: $0) } ?? -1
            log.record(Change(.truncated, event: e, line: line, slot: slot, a: ms))
        case .transcript:
            guard let slot = slot(object["item_id"]), let transcript = object["transcript"] else { return }
            let k = object["content_index"]?.int ?? 0
            notePart(slot, k, type: "input_audio", listed: false, event: event)
            setText(transcript, object, slot, Int16(clamping: k), e, line)
        case .responseCreated, .responseDone:
            guard let id = object["response"]?["id"]?.string else { return }
            let s = log.intern(id)
            let opened = if case .responseCreated = role { true } else { false }
            log.record(Change(opened ? .opened : .closed, event: e, line: line, slot: 0, a: s))
        }
    }

    private mutating func classify(_ type: String, _ hash: UInt64) -> Role {
        let role: Role
        switch type {
        case ConversationEvents.created: role = .created
        case ConversationEvents.done, ConversationEvents.outputItemDone: role = .done
        case ConversationEvents.deleted: role = .deleted
        case ConversationEvents.truncated: role = .truncated
        case ConversationEvents.transcriptionCompleted: role = .transcript
        case ConversationEvents.responseCreated: role = .responseCreated
        case ConversationEvents.responseDone: role = .responseDone
        default:
            if let stream = catalog.spec(for: type)?.stream {
                role =
                    stream.payload == .audio
                    ? .audioDelta(field: stream.deltaField) : .textDelta(field: stream.deltaField)
            } else {
                role = .ignored
            }
        }
        roles[hash] = role
        return role
    }

    /// The slot of the item `id` names, if it is present.
    private mutating func slot(_ id: JSONValue?) -> Int32? {
        guard let id else { return nil }
        let hash = id.bytesHash
        if let last = lastItem, last.hash == hash, log.live.present(last.slot) { return last.slot }
        guard let name = id.string, let slot = slots[name], log.live.present(slot) else { return nil }
        lastItem = (hash, slot)
        return slot
    }

    private mutating func insert(
        _ id: String, _ item: JSONValue, _ object: JSONValue, _ e: Int32, _ at: Moment, event: Int
    ) {
        let previous = object["previous_item_id"]?.string
        let slot = Int32(log.records.count)
        log.records.append(
            ItemRecord(
                id: id, type: item["type"]?.string ?? "?", role: item["role"]?.string ?? "", previous: previous,
                name: item["name"]?.string, callID: item["call_id"]?.string, created: at))
        slots[id] = slot
        let after: Int32
        if let previous, let p = slots[previous], log.live.present(p) {
            after = p
        } else {
            after = previous == "root" ? Change.afterRoot : Change.atEnd
        }
        let line = Int32(clamping: at.line)
        log.record(Change(.inserted, event: e, line: line, slot: slot, a: after))
        if let status = item["status"]?.string, !status.isEmpty {
            log.record(Change(.status, event: e, line: line, slot: slot, a: log.intern(status)))
        }
        contents(item, object, slot, e, line, event: event, replacing: false)
    }

    private mutating func update(
        _ slot: Int32, _ item: JSONValue, _ object: JSONValue, _ e: Int32, _ line: Int32, event: Int
    ) {
        if let status = item["status"]?.string, !status.isEmpty {
            let s = log.intern(status)
            if log.live.status[Int(slot)] != s { log.record(Change(.status, event: e, line: line, slot: slot, a: s)) }
        }
        if log.records[Int(slot)].name == nil { log.records[Int(slot)].name = item["name"]?.string }
        if log.records[Int(slot)].callID == nil { log.records[Int(slot)].callID = item["call_id"]?.string }
        contents(item, object, slot, e, line, event: event, replacing: true)
    }

    /// The parts, arguments and output an item object carries.
    ///
    /// With `replacing`, only non-empty texts are taken, and none once the item was truncated.
    private mutating func contents(
        _ item: JSONValue, _ object: JSONValue, _ slot: Int32, _ e: Int32, _ line: Int32, event: Int, replacing: Bool
    ) {
        let truncated = log.live.truncated[Int(slot)] != ReplayState.none
        for (k, part) in (item["content"]?.children ?? []).enumerated() {
            let p = notePart(slot, k, type: part["type"]?.string ?? "?", listed: !replacing, event: event)
            if let audio = part["audio"], audio.byteCount > 0, log.records[Int(slot)].parts[p].audio == nil {
                log.records[Int(slot)].parts[p].audio = AudioReference(
                    firstLine: Int(line), lastLine: Int(line), chunks: 1, base64Bytes: audio.byteCount,
                    inline: range(of: audio, in: object))
            }
            guard let text = part["text"].flatMap({ $0.isNull ? nil : $0 }) ?? part["transcript"], !text.isNull else {
                continue
            }
            if replacing, truncated || text.byteCount == 0 { continue }
            setText(text, object, slot, Int16(clamping: k), e, line)
        }
        guard let body = item["arguments"] ?? item["output"], body.kind == .string else { return }
        if replacing, truncated || body.byteCount == 0 { return }
        setText(body, object, slot, ReplayState.body, e, line)
    }

    /// Makes sure the item's record lists part `k`; returns its position in the record.
    @discardableResult
    private mutating func notePart(_ slot: Int32, _ k: Int, type: String, listed: Bool, event: Int) -> Int {
        let s = Int(slot)
        if let p = log.records[s].parts.firstIndex(where: { $0.index == k }) {
            if listed, !log.records[s].parts[p].listed {
                log.records[s].parts[p].listed = true
                log.records[s].parts[p].listedEvent = event
                log.records[s].parts[p].type = type
            }
            return p
        }
        log.records[s].parts.append(
            PartRecord(index: k, type: type, listed: listed, addedEvent: event, listedEvent: event))
        return log.records[s].parts.count - 1
    }

    /// Sets a part's text to a string field's value: a new version unless it repeats the current one.
    private mutating func setText(
        _ value: JSONValue, _ object: JSONValue, _ slot: Int32, _ part: Int16, _ e: Int32, _ line: Int32
    ) {
        guard let text = value.string else { return }
        let source = TextSource.field(line: Int(line), bytes: range(of: value, in: object) ?? 0..<0)
        if let current = log.live.text(slot, part), log.texts[Int(current.version)].text == text {
            log.texts[Int(current.version)].source = source  // the same text, now from one field
            return
        }
        log.texts.append(CappedText(text, source: source))
        let version = Int32(log.texts.count - 1)
        log.record(
            Change(
                .text, event: e, line: line, slot: slot, part: part, a: version,
                b: Int32(log.texts[Int(version)].text.utf8.count)))
    }

    private mutating func append(_ piece: String, _ slot: Int32, _ part: Int16, _ e: Int32, _ line: Int32) {
        guard let current = log.live.text(slot, part) else {
            log.texts.append(CappedText(piece, source: .deltas(first: Int(line), last: Int(line), count: 1)))
            let version = Int32(log.texts.count - 1)
            log.record(
                Change(
                    .text, event: e, line: line, slot: slot, part: part, a: version,
                    b: Int32(log.texts[Int(version)].text.utf8.count)))
            return
        }
        let v = Int(current.version)
        let before = log.texts[v].text.utf8.count
        log.texts[v].append(piece)
        if case .deltas(let first, _, let count) = log.texts[v].source {
            log.texts[v].source = .deltas(first: first, last: Int(line), count: count + 1)
        } else {
            log.texts[v].source = .deltas(first: Int(line), last: Int(line), count: 1)
        }
        let after = log.texts[v].text.utf8.count
        guard after != before else { return }  // at the cap: counted, not logged
        log.record(Change(.text, event: e, line: line, slot: slot, part: part, a: current.version, b: Int32(after)))
    }

    /// The byte range of a string's body within its event's JSON text.
    private func range(of value: JSONValue, in object: JSONValue) -> Range<Int>? {
        object.withRawBytes { root in
            value.withRawBytes { field in
                guard let r = root.baseAddress, let f = field.baseAddress else { return nil }
                let start = f - r
                return start >= 0 ? start..<(start + field.count) : nil
            }
        }
    }
}

/// The event names the conversation reacts to besides deltas (beta spelling; a test checks the catalog has them).
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
