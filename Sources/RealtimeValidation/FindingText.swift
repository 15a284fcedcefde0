/// A finding's message, built from a string interpolation into bytes held inline, so a message bound for a `FindingLog`
/// is copied there from the stack and never made a heap `String`.
///
/// Rules write messages as string interpolations (`"Response \(rid) was done twice."`); with this as `emit`'s message
/// type the compiler appends each literal and each interpolated value here: their UTF-8, copied into `inlineBytes`
/// bytes of the value itself (an `Int` through a small string, anything else through `String(describing:)`, as a plain
/// interpolation writes them). Making a `String` by interpolation (a heap buffer, grown as pieces are appended, freed
/// once the finding was logged) was about a quarter of a microsecond a finding: a tenth of `validate --format json` on a
/// file where most events have one.
///
/// Limits: a message longer than `inlineBytes` (a server error quoting a long server message) moves to a `String` as it
/// outgrows them. `string` is exactly the text a plain interpolation of the same pieces gives.
struct FindingText: ExpressibleByStringInterpolation, Sendable {
    typealias StringLiteralType = StaticString

    static let inlineBytes = 240
    private var bytes = InlineArray<240, UInt8>(repeating: 0)
    private var count = 0
    /// The whole message once it has outgrown `bytes` (which are then unused).
    private var long: String?

    init() {}

    init(_ string: String) { append(string) }

    init(stringLiteral literal: StaticString) { append(literal) }

    init(stringInterpolation: StringInterpolation) { self = stringInterpolation.text }

    /// The pieces of an interpolation, appended as the compiler hands them over.
    struct StringInterpolation: StringInterpolationProtocol {
        typealias StringLiteralType = StaticString
        var text = FindingText()

        init(literalCapacity: Int, interpolationCount: Int) {}

        mutating func appendLiteral(_ literal: StaticString) { text.append(literal) }

        mutating func appendInterpolation(_ string: String) { text.append(string) }

        mutating func appendInterpolation(_ number: Int) { text.append(String(number)) }

        mutating func appendInterpolation<T>(_ value: T) { text.append(String(describing: value)) }
    }

    /// Appends a literal.
    mutating func append(_ literal: StaticString) {
        guard literal.hasPointerRepresentation else { return append(literal.description) }  // one scalar
        append(bytes: UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Appends a string.
    mutating func append(_ string: String) {
        var string = string
        string.withUTF8 { append(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Appends UTF-8 text.
    private mutating func append(bytes text: UnsafeRawBufferPointer) {
        guard let from = text.baseAddress, text.count > 0 else { return }
        let at = count
        if long == nil, at + text.count <= Self.inlineBytes {
            var span = bytes.mutableSpan
            span.withUnsafeMutableBytes { to in
                to.baseAddress.map { ($0 + at).copyMemory(from: from, byteCount: text.count) }
            }
            count = at + text.count
            return
        }
        if long == nil { long = inlineString }
        long?.append(String(decoding: text, as: UTF8.self))
    }

    private var inlineString: String {
        bytes.span.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[0..<count]), as: UTF8.self)
        }
    }

    /// The message's length in UTF-8 bytes.
    var utf8Count: Int { long?.utf8.count ?? count }

    /// The message as a `String`.
    var string: String { long ?? inlineString }

    /// Copies the message's UTF-8 to `target`, which has room for `utf8Count` bytes; returns the bytes written.
    func copyUTF8(to target: UnsafeMutableRawPointer) -> Int {
        if var long {
            return long.withUTF8 { utf8 in
                if let from = utf8.baseAddress { target.copyMemory(from: from, byteCount: utf8.count) }
                return utf8.count
            }
        }
        let n = count
        bytes.span.withUnsafeBytes { from in
            if let base = from.baseAddress { target.copyMemory(from: base, byteCount: n) }
        }
        return n
    }
}
