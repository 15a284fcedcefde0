/// One field of an event as the catalog describes it.
///
/// `path` is dot-separated from the event object (`"item.type"`, `"error.code"`); a nested
/// field is checked only when its parent is present. `null` always counts as "present" (real
/// traffic sends `null` for many fields the specs call required), and is allowed only where
/// `nullable` is set.
public struct FieldSpec: Sendable, Hashable {
    /// Dot-separated path from the event object.
    public let path: String
    /// Accepted JSON kinds (more than one for unions such as `integer | "inf"`).
    public let kinds: [JSONKind]
    /// Whether the field must be present.
    public let required: Bool
    /// Whether `null` is an accepted value.
    public let nullable: Bool
    /// Allowed string values, when the protocol fixes them.
    public let allowed: [String]?
    /// The path of the enclosing object (`"item"` for `"item.type"`), `nil` at the top level.
    public let parent: String?

    public init(path: String, kinds: [JSONKind], required: Bool, nullable: Bool = false, allowed: [String]? = nil) {
        self.path = path
        self.kinds = kinds
        self.required = required
        self.nullable = nullable
        self.allowed = allowed
        self.parent = path.lastIndex(of: ".").map { String(path[..<$0]) }
    }
}

/// A required field.
@inlinable
public func req(_ path: String, _ kinds: JSONKind..., nullable: Bool = false, allowed: [String]? = nil) -> FieldSpec {
    FieldSpec(path: path, kinds: kinds, required: true, nullable: nullable, allowed: allowed)
}

/// An optional field.
@inlinable
public func opt(_ path: String, _ kinds: JSONKind..., nullable: Bool = true, allowed: [String]? = nil) -> FieldSpec {
    FieldSpec(path: path, kinds: kinds, required: false, nullable: nullable, allowed: allowed)
}
