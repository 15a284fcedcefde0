import Foundation
import RealtimeProtocol

/// Encodes a `Frame` as one recording line (format v1), without the trailing newline.
///
/// Key order is fixed (`seq`, `t_us`, `wall`, `conn`, `dir`, `op`, then the payload last) so the
/// scanner meets the envelope before any large payload. Payload rules:
/// - a text frame whose bytes are one valid JSON value with no raw CR/LF is embedded byte for
///   byte under `event` (nothing is re-serialized);
/// - any other valid-UTF-8 text frame is kept as a JSON string under `text`;
/// - binary, ping, pong and continuation payloads, and text that is not valid UTF-8, go under
///   `data_b64`;
/// - a close frame keeps `code` and `reason`.
public struct FrameEncoder: ~Copyable {
    private var scanner = LineScanner(mode: .bareEvent)
    /// Whether the last frame's payload was embedded as JSON (so it is known to be valid JSON).
    public private(set) var lastEmbedded = false

    public init() {}

    /// The line for `frame`.
    public mutating func line(for frame: Frame) -> [UInt8] {
        frame.payload.withUnsafeBytes { line(for: frame, payload: $0, newline: false) }
    }

    /// The line for `frame` with `payload` in place of `frame.payload` (which is not read), so a
    /// caller holding the payload in another buffer does not copy it first; with `newline`, the
    /// line ends in `\n`.
    public mutating func line(for frame: Frame, payload: UnsafeRawBufferPointer, newline: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(payload.count + 160)
        if appendHead(for: frame, payload: payload, to: &out) { out.append(contentsOf: payload) }
        out.append(UInt8(ascii: "}"))
        if newline { out.append(0x0A) }
        return out
    }

    /// Appends the line without its closing brace to `out`; returns whether the payload still has
    /// to follow verbatim (an embedded JSON event: the caller appends or writes `payload` itself
    /// next, then `}`), so a writer can send a large event from its own buffer instead of copying it.
    public mutating func appendHead(for frame: Frame, payload: UnsafeRawBufferPointer, to out: inout [UInt8]) -> Bool {
        lastEmbedded = false
        Self.appendEnvelope(for: frame, to: &out)
        switch frame.opcode {
        case .text, .error:
            if embeddable(payload) {
                lastEmbedded = true
                out.append(contentsOf: ",\"event\":".utf8)
                return true
            } else if String(validating: payload, as: UTF8.self) != nil {
                out.append(contentsOf: ",\"text\":".utf8)
                JSONText.appendQuoted(payload, to: &out)
            } else {
                appendBase64(payload, to: &out)
            }
        case .close:
            if let code = frame.closeCode { out.append(contentsOf: ",\"code\":\(code)".utf8) }
            if String(validating: payload, as: UTF8.self) != nil {
                out.append(contentsOf: ",\"reason\":".utf8)
                JSONText.appendQuoted(payload, to: &out)
            } else {
                appendBase64(payload, to: &out)
            }
        case .binary, .ping, .pong, .cont:
            appendBase64(payload, to: &out)
        }
        return false
    }

    /// Appends the head of a text frame whose payload the caller has already found embeddable, up to and
    /// including `"event":`; the caller appends the payload and `}` next.
    ///
    /// For a caller that scanned the payload itself (an importer's one pass): the payload must be non-empty and
    /// one valid JSON value with no raw CR or LF, i.e. `LineScanner.scan` returned `nil` with `sawLineBreak`
    /// false. The bytes are then the same `appendHead` writes, without scanning the payload a second time.
    public static func appendEmbeddedHead(for frame: Frame, to out: inout [UInt8]) {
        appendEnvelope(for: frame, to: &out)
        out.append(contentsOf: ",\"event\":".utf8)
    }

    /// What `appendEmbeddedHead` writes after `{"seq":` and the sequence number, so a caller writing many frames
    /// that differ only in `seq` makes the rest of their heads once: `{"seq":`, the number, then these bytes.
    public static func embeddedHeadAfterSeq(for frame: Frame) -> [UInt8] {
        var out: [UInt8] = []
        appendEnvelopeAfterSeq(for: frame, to: &out)
        out.append(contentsOf: ",\"event\":".utf8)
        return out
    }

    /// Appends the keys before the payload: `{"seq":…` up to `redacted` when set.
    private static func appendEnvelope(for frame: Frame, to out: inout [UInt8]) {
        out.append(contentsOf: "{\"seq\":".utf8)
        Self.appendDecimal(Int64(frame.seq), to: &out)
        appendEnvelopeAfterSeq(for: frame, to: &out)
    }

    /// Appends the envelope's keys after `seq`: `,"t_us":…` up to `redacted` when set.
    private static func appendEnvelopeAfterSeq(for frame: Frame, to out: inout [UInt8]) {
        out.append(contentsOf: ",\"t_us\":".utf8)
        Self.appendDecimal(frame.tUs, to: &out)
        if let wall = frame.wall {
            out.append(contentsOf: ",\"wall\":".utf8)
            JSONText.appendQuoted(wall.utf8, to: &out)
        }
        if let conn = frame.conn {
            out.append(contentsOf: ",\"conn\":".utf8)
            JSONText.appendQuoted(conn.utf8, to: &out)
        }
        out.append(contentsOf: ",\"dir\":\"".utf8)
        out.append(contentsOf: frame.direction.rawValue.utf8)
        out.append(UInt8(ascii: "\""))
        if frame.directionInferred { out.append(contentsOf: ",\"dir_inferred\":true".utf8) }
        out.append(contentsOf: ",\"op\":\"".utf8)
        out.append(contentsOf: frame.opcode.rawValue.utf8)
        out.append(UInt8(ascii: "\""))
        if !frame.fin { out.append(contentsOf: ",\"fin\":false".utf8) }
        if frame.redacted { out.append(contentsOf: ",\"redacted\":true".utf8) }
    }

    /// Appends `value` in decimal (no intermediate String: this runs twice per recorded frame).
    static func appendDecimal(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in  // UInt64 has at most 20
            var i = digits.count
            repeat {
                i -= 1
                digits[i] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[i...]))
        }
    }

    private mutating func embeddable(_ raw: UnsafeRawBufferPointer) -> Bool {
        guard !raw.isEmpty else { return false }
        // A raw CR or LF (legal JSON whitespace) would split the line.
        return scanner.scan(raw) == nil && !scanner.sawLineBreak
    }

    private func appendBase64(_ payload: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out.append(contentsOf: ",\"data_b64\":\"".utf8)
        out.append(contentsOf: Data(payload).base64EncodedString().utf8)
        out.append(UInt8(ascii: "\""))
    }
}
