import RealtimeRecording

/// Lays out one finding kept as bytes (`FindingLog.Record`) as the JSON reporter's text, in one piece: the same bytes
/// `JSONReporter.finding(_:_:rules:)` writes member by member, for about half its time.
///
/// The member-by-member writer checks room, commas and nesting for each of a finding's fifteen or so members and
/// scans each string for escapes as it goes; here every string is scanned first, the room is checked once, and the
/// text (indents, keys, separators, values) is stored straight into the writer's buffer. A finding with any string
/// that needs an escape (a control, a quote, a backslash, DEL, C1 or a bidi control; checked exactly, so text beyond
/// ASCII such as an em dash stays here) is left to the member-by-member writer: `write` returns false and writes
/// nothing.
///
/// Layout (`JSONEncoder`'s pretty printing, which `StreamingJSONWriter` follows): the object's members one per line,
/// indented two spaces deeper than the findings array's own members; `"key" : value`; an empty related list as `[`,
/// a blank line and `]`.
enum FindingRecordText {
    /// Writes `r` (its rule's id is `rule`) as the next element's object of the findings array the writer is in
    /// (`element()` already written); returns false, having written nothing, when a string needs an escape.
    static func write(_ r: FindingLog.Record, rule: UnsafeRawBufferPointer, into w: inout StreamingJSONWriter) -> Bool {
        var strings = 0
        var plain = true
        func scan(_ field: UnsafeRawBufferPointer?) {
            guard plain, let field else { return }
            strings += field.count
            let bytes = utf8(field)
            plain = JSONText.needsNoEscape(bytes) || JSONText.hasNothingToEscape(bytes)
        }
        scan(rule)
        scan(r.message)
        scan(r.actual)
        scan(r.eventID)
        scan(r.eventType)
        scan(r.expected)
        scan(r.subject)
        r.forEachRelated { _, note in scan(note) }
        guard plain else { return false }
        let inner = 2 * (w.depth + 1)
        // Per member at most: ",\n", the indent, the longest key with its quotes and " : " (15), a quoted string
        // (its bytes counted in `strings`) or a number (20), with one member's worth to spare for the related list's
        // brackets; per related line four indents and 72 bytes of keys, braces, separators and its number; the end.
        let room = strings + 12 * (inner + 40) + r.relatedCount * (4 * inner + 72) + 2 * inner + 16
        w.write(room: room) { start in
            var c = Cursor(at: start)
            c.byte(0x7B)
            var first = true
            func member(_ key: StaticString) {
                if !first { c.byte(0x2C) }
                first = false
                c.byte(0x0A)
                c.spaces(inner)
                c.text(key)
            }
            // A string member, left out when absent (as `JSONEncoder` leaves out a nil optional).
            func string(_ key: StaticString, _ value: UnsafeRawBufferPointer?) {
                guard let value else { return }
                member(key)
                c.quoted(value)
            }
            string(#""actual" : "#, r.actual)
            string(#""eventID" : "#, r.eventID)
            member(#""eventIndex" : "#)
            c.int(r.eventIndex)
            string(#""eventType" : "#, r.eventType)
            string(#""expected" : "#, r.expected)
            member(#""line" : "#)
            c.int(r.line)
            member(#""message" : "#)
            c.quoted(r.message ?? UnsafeRawBufferPointer(start: nil, count: 0))
            member(#""related" : "#)
            c.byte(0x5B)
            c.byte(0x0A)
            var k = 0
            r.forEachRelated { line, note in
                if k > 0 {
                    c.byte(0x2C)
                    c.byte(0x0A)
                }
                k += 1
                c.spaces(inner + 2)
                c.byte(0x7B)
                c.byte(0x0A)
                c.spaces(inner + 4)
                c.text(#""line" : "#)
                c.int(line)
                c.byte(0x2C)
                c.byte(0x0A)
                c.spaces(inner + 4)
                c.text(#""note" : "#)
                c.quoted(note)
                c.byte(0x0A)
                c.spaces(inner + 2)
                c.byte(0x7D)
            }
            c.byte(0x0A)
            c.spaces(inner)
            c.byte(0x5D)
            member(#""rule" : "#)
            c.quoted(rule)
            member(#""severity" : "#)
            switch r.severity {
            case .error: c.text(#""error""#)
            case .warning: c.text(#""warning""#)
            case .note: c.text(#""note""#)
            }
            string(#""subject" : "#, r.subject)
            c.byte(0x0A)
            c.spaces(inner - 2)
            c.byte(0x7D)
            return c.at - start
        }
        return true
    }

    @inline(__always)
    private static func utf8(_ bytes: UnsafeRawBufferPointer) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: bytes.count)
    }

    /// Stores bytes forward from a position in a buffer with room reserved.
    private struct Cursor {
        var at: UnsafeMutablePointer<UInt8>

        @inline(__always) mutating func byte(_ b: UInt8) {
            at.pointee = b
            at += 1
        }

        @inline(__always) mutating func spaces(_ n: Int) {
            at.update(repeating: 0x20, count: n)
            at += n
        }

        @inline(__always) mutating func text(_ s: StaticString) {
            at.update(from: s.utf8Start, count: s.utf8CodeUnitCount)
            at += s.utf8CodeUnitCount
        }

        @inline(__always) mutating func quoted(_ bytes: UnsafeRawBufferPointer) {
            byte(0x22)
            if let from = bytes.baseAddress {
                UnsafeMutableRawPointer(at).copyMemory(from: from, byteCount: bytes.count)
                at += bytes.count
            }
            byte(0x22)
        }

        /// Decimal, as `StreamingJSONWriter.int` writes it (at most 20 bytes).
        mutating func int(_ n: Int) { at += StreamingJSONWriter.storeDecimal(n, at: at) }
    }
}
