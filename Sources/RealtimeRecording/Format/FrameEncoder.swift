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
        var (out, embedsPayload) = head(for: frame, payload: payload)
        if embedsPayload { out.append(contentsOf: payload) }
        out.append(UInt8(ascii: "}"))
        if newline { out.append(0x0A) }
        return out
    }

    /// The line without its closing brace, and whether the payload still has to follow it verbatim
    /// (an embedded JSON event: the caller writes `payload` itself next, then `}`), so a writer can
    /// send a large event from its own buffer instead of copying it into the line.
    public mutating func head(for frame: Frame, payload: UnsafeRawBufferPointer) -> (
        bytes: [UInt8], embedsPayload: Bool
    ) {
        lastEmbedded = false
        var out: [UInt8] = []
        out.reserveCapacity(payload.count + 160)
        out.append(contentsOf: "{\"seq\":\(frame.seq),\"t_us\":\(frame.tUs)".utf8)
        if let wall = frame.wall {
            out.append(contentsOf: ",\"wall\":".utf8)
            JSONText.appendQuoted(wall.utf8, to: &out)
        }
        if let conn = frame.conn {
            out.append(contentsOf: ",\"conn\":".utf8)
            JSONText.appendQuoted(conn.utf8, to: &out)
        }
        out.append(contentsOf: ",\"dir\":\"\(frame.direction.rawValue)\"".utf8)
        if frame.directionInferred { out.append(contentsOf: ",\"dir_inferred\":true".utf8) }
        out.append(contentsOf: ",\"op\":\"\(frame.opcode.rawValue)\"".utf8)
        if !frame.fin { out.append(contentsOf: ",\"fin\":false".utf8) }
        switch frame.opcode {
        case .text, .error:
            if embeddable(payload) {
                lastEmbedded = true
                out.append(contentsOf: ",\"event\":".utf8)
                return (out, true)
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
        return (out, false)
    }

    private mutating func embeddable(_ raw: UnsafeRawBufferPointer) -> Bool {
        guard let base = raw.baseAddress, !raw.isEmpty else { return false }
        // memchr is vectorised; a raw CR or LF (legal JSON whitespace) would split the line.
        return memchr(base, 0x0A, raw.count) == nil && memchr(base, 0x0D, raw.count) == nil
            && scanner.scan(raw) == nil
    }

    private func appendBase64(_ payload: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out.append(contentsOf: ",\"data_b64\":\"".utf8)
        out.append(contentsOf: Data(payload).base64EncodedString().utf8)
        out.append(UInt8(ascii: "\""))
    }
}
