/// The JSON type of a field, as the catalog states it.
public enum JSONKind: String, Sendable, Hashable, CaseIterable, Codable {
    case string, integer, number, boolean, object, array, null

    /// Whether a value of kind `actual` satisfies this expected kind (an integer is a number).
    public func accepts(_ actual: JSONKind) -> Bool {
        actual == self || (self == .number && actual == .integer)
    }
}
