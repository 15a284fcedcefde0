import Foundation
public import RealtimeProtocol

/// One line of a recording as the reader hands it out: a borrowed view of its bytes plus the fields the scanner
/// captured.
///
/// Valid only inside the reader's callback; copy what you keep (`frame()` and `String`s are owned copies).
public struct RecordLine {
    public enum Kind: Sendable { case header, frame }

    public let kind: Kind
    /// 1-based line number in the input.
    public let number: Int
    /// Byte offset of the line's first byte in the input.
    public let offset: Int64
    /// The line without its terminator (and without a CR before it).
    public let bytes: UnsafeRawBufferPointer
    public let fields: ScannedFields

    /// The bytes of `span`.
    @inline(__always)
    public func slice(_ span: ByteSpan) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[span.start..<span.end])
    }

    /// The captured string (escapes decoded), or the token text for non-strings.
    public func string(_ slot: ScanSlot) -> String? {
        guard let span = fields.span(slot) else { return nil }
        return JSONText.unescape(slice(span))
    }

    /// The captured integer, if the value is an integer that fits in 64 bits.
    public func integer(_ slot: ScanSlot) -> Int64? {
        guard let span = fields.span(slot), fields.kind(slot) == .number else { return nil }
        return JSONText.integer(slice(span))
    }

    /// Whether the captured string for `slot` is exactly `expected` (no allocation).
    @inline(__always)
    public func equals(_ slot: ScanSlot, _ expected: UnsafeRawBufferPointer) -> Bool {
        guard let span = fields.span(slot), span.count == expected.count, !fields.isEscaped(slot) else {
            return fields.isEscaped(slot) && string(slot).map { Array($0.utf8) == Array(expected) } == true
        }
        guard let base = bytes.baseAddress, let target = expected.baseAddress else { return span.count == 0 }
        return memcmp(base + span.start, target, span.count) == 0
    }

    /// The frame's direction (`nil` on a header or a malformed frame).
    public var direction: Direction? {
        guard let span = fields.span(.dir), span.count == 3 else { return nil }
        let s = slice(span)
        if s[0] == UInt8(ascii: "c"), s[1] == UInt8(ascii: "2"), s[2] == UInt8(ascii: "s") { return .clientToServer }
        if s[0] == UInt8(ascii: "s"), s[1] == UInt8(ascii: "2"), s[2] == UInt8(ascii: "c") { return .serverToClient }
        return nil
    }

    /// The frame's opcode.
    public var opcode: Opcode? {
        guard fields.span(.op) != nil else { return nil }
        if let span = fields.span(.op), span.count == 4, slice(span).elementsEqual("text".utf8) { return .text }
        return string(.op).flatMap(Opcode.init(rawValue:))
    }

    /// Monotonic microseconds since the recording started (0 when absent).
    public var tUs: Int64 { integer(.tUs) ?? 0 }

    /// The embedded event's bytes (the value under `event`), when the frame has one.
    public var eventBytes: UnsafeRawBufferPointer? {
        fields.span(.event).map(slice)
    }

    /// The event `type`, when the embedded event is an object with a string `type`.
    public var eventType: String? { fields.has(.event) || kind == .frame ? string(.type) : nil }

    /// The decoded event object as a tree: the embedded `event`, or a `text` payload that parses as a JSON object
    /// (pretty-printed frames).
    ///
    /// `nil` for non-JSON payloads and for JSON that is not an object.
    public func event() -> JSON? {
        // The reader has already checked the line, so the embedded event goes straight onto the tape (no second scan).
        eventValue().flatMap { $0.isObject ? JSON($0) : nil }
    }

    /// The event parsed onto a `JSONTape` (the fast path; see `event()` for the tree): the embedded
    /// `event`, or a `text` payload that is JSON.
    ///
    /// `nil` for non-JSON payloads.
    public func eventValue() -> JSONValue? {
        var tape: JSONTape?
        return eventValue(reusing: &tape)
    }

    /// `eventValue()`, parsed into `tape` when nothing holds values of its previous document (see
    /// `JSONTape.parse(_:reusing:)`): for loops that look at one event at a time.
    public func eventValue(reusing tape: inout JSONTape?) -> JSONValue? {
        if let scanned = scannedEvent { return JSONTape.adopt(scanned, of: bytes, reusing: &tape) }
        if let span = fields.span(.event) { return JSONTape.parse(slice(span), reusing: &tape) }
        if fields.has(.text), let text = string(.text) {
            var scanner = LineScanner(mode: .bareEvent)
            let bytes = Array(text.utf8)
            guard bytes.withUnsafeBytes({ scanner.scan($0) }) == nil else { return nil }
            return JSONTape.parse(bytes)
        }
        return nil
    }

    /// `eventValue()`, with the event appended to a batch tape (`JSONTape.batch()`) when the scanner built its nodes
    /// (`RecordingReader.Options.buildsEventTapes`); otherwise parsed onto a tape of its own.
    public func eventValue(appendingTo batch: JSONTape) -> JSONValue? {
        scannedEvent.map { batch.append($0, of: bytes) } ?? eventValue()
    }

    /// The nodes the scanner built for the line's `event` object: for that very object (not an earlier `event` of
    /// the line, which the last one replaces), so no second pass is needed.
    private var scannedEvent: ScannedTape? {
        guard let span = fields.span(.event), let scanned = fields.tape, scanned.start == span.start,
            fields.kind(.event) == .object
        else { return nil }
        return scanned
    }

    /// An owned copy of the frame (`nil` for a header line).
    public func frame() -> Frame? {
        guard kind == .frame, let direction, let opcode else { return nil }
        var payload: [UInt8] = []
        if let event = eventBytes {
            payload = Array(event)
        } else if fields.has(.text), let text = string(.text) {
            payload = Array(text.utf8)
        } else if let b64 = string(.dataB64) {
            payload = Data(base64Encoded: b64).map(Array.init) ?? []
        } else if let reason = string(.reason) {
            payload = Array(reason.utf8)
        }
        return Frame(
            seq: Int(integer(.seq) ?? Int64(number)), tUs: tUs, wall: string(.wall), conn: string(.conn),
            direction: direction, directionInferred: fields.span(.dirInferred).map { slice($0).first == 0x74 } ?? false,
            opcode: opcode, fin: fields.span(.fin).map { slice($0).first != 0x66 } ?? true, payload: payload,
            closeCode: integer(.code).map { Int($0) },
            redacted: fields.kind(.redacted) == .bool && fields.span(.redacted).map { slice($0).first == 0x74 } == true)
    }
}
