import RealtimeRecording

/// Named protocol faults the simulated server can inject, so clients can be tested against
/// non-conformant traffic and the validator against real faults.
public enum Fault: String, Sendable, CaseIterable {
    /// Never sends `response.done`.
    case dropResponseDone = "drop-response-done"
    /// Sends the second delta of each response before the first.
    case reorderDelta = "reorder-delta"
    /// Gives the first delta of each response an item id that does not exist.
    case wrongItemID = "wrong-item-id"
    /// Closes the connection (code 1011) after the third delta of a response.
    case disconnectMidResponse = "disconnect-mid-response"
    /// Refuses the WebSocket upgrade with HTTP 429 and a rate-limit error body.
    case handshake429 = "handshake-429"
    /// Sends every fifth server event with the event id of the one before.
    case duplicateEventID = "duplicate-event-id"
    /// Does not send `session.created` when the client connects.
    case noSessionCreated = "no-session-created"

    public var summary: String {
        switch self {
        case .dropResponseDone: "never send response.done"
        case .reorderDelta: "send the second delta of each response before the first"
        case .wrongItemID: "first delta of each response names an item that does not exist"
        case .disconnectMidResponse: "close the connection (1011) after the third delta of a response"
        case .handshake429: "refuse the upgrade with HTTP 429 and an error body"
        case .duplicateEventID: "every fifth server event repeats the previous event id"
        case .noSessionCreated: "do not send session.created on connect"
        }
    }
}

/// Applies faults to the stream of server events, one event at a time.
struct FaultInjector {
    let faults: Set<Fault>
    private var held: JSON?
    private var deltasInResponse = 0
    private var sent = 0
    private var lastEventID: String?

    init(_ faults: Set<Fault>) { self.faults = faults }

    /// Returns the events to send in place of `event`, and whether to close the connection after them.
    mutating func apply(_ event: JSON) -> (events: [JSON], close: Bool) {
        guard !faults.isEmpty else { return ([event], false) }
        var event = event
        let type = event["type"]?.string ?? ""
        if type == "response.created" { deltasInResponse = 0 }
        if type == "response.done", faults.contains(.dropResponseDone) { return ([], false) }
        var out: [JSON] = []
        if type.hasSuffix(".delta") {
            deltasInResponse += 1
            if deltasInResponse == 1, faults.contains(.wrongItemID) { event.set("item_id", "item_does_not_exist") }
            if faults.contains(.reorderDelta) {
                if deltasInResponse == 1 {
                    held = event
                    return ([], false)
                }
                if deltasInResponse == 2, let first = held {
                    held = nil
                    out = [stamp(event), stamp(first)]
                    return (out, false)
                }
            }
            if deltasInResponse == 3, faults.contains(.disconnectMidResponse) { return ([stamp(event)], true) }
        } else if let first = held {  // a one-delta stream: release what was held
            held = nil
            out.append(stamp(first))
        }
        out.append(stamp(event))
        return (out, false)
    }

    private mutating func stamp(_ event: JSON) -> JSON {
        var event = event
        sent += 1
        if faults.contains(.duplicateEventID), sent % 5 == 0, let last = lastEventID {
            event.set("event_id", .string(last))
        }
        lastEventID = event["event_id"]?.string
        return event
    }
}
