extension JSONValue {
    /// The value's text without insignificant whitespace.
    ///
    /// Keys stay in order (repeats kept), numbers and string escapes exactly as written, unlike a decode/encode round
    /// trip. For valid JSON (check with `JSON.tape(_:)` first).
    public var minified: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(byteCount + 2)
        appendMinified(to: &out)
        return out
    }

    private func appendMinified(to out: inout [UInt8]) {
        let node = tape.nodes[Int(index)]
        switch node.kind {
        case 1, 2:
            out.append(node.kind == 1 ? UInt8(ascii: "{") : UInt8(ascii: "["))
            var child: Int32 = node.count > 0 ? index + 1 : -1
            while child >= 0 {
                if child != index + 1 { out.append(UInt8(ascii: ",")) }
                let member = tape.nodes[Int(child)]
                if node.kind == 1 {
                    out.append(UInt8(ascii: "\""))
                    out.append(contentsOf: tape.bytes[Int(member.keyStart)..<Int(member.keyEnd)])
                    out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
                }
                JSONValue(tape: tape, index: child).appendMinified(to: &out)
                child = member.next
            }
            out.append(node.kind == 1 ? UInt8(ascii: "}") : UInt8(ascii: "]"))
        case 3:
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: tape.bytes[Int(node.start)..<Int(node.end)])
            out.append(UInt8(ascii: "\""))
        default:
            out.append(contentsOf: tape.bytes[Int(node.start)..<Int(node.end)])
        }
    }
}
