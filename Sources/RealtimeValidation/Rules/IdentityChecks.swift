import RealtimeProtocol
import RealtimeRecording

// Dispatch for the identity rules (required-field-missing, field-type-mismatch, field-value-not-allowed,
// server-event-id-*, client-event-id-invalid, session-created-first): the one-pass schema walk and the event-id
// bookkeeping; each rule's condition and message are in its file under Identity/.

extension SessionValidator {
    /// Required fields, JSON kinds, nullability and enums, straight from the catalog.
    ///
    /// Top-level fields are found in one pass over the event's members (`TypeInfo.topLevelKeys`), nested ones by path.
    mutating func checkSchema(_ object: JSONValue, _ spec: EventSpec, _ info: TypeInfo) {
        _ = object.memberNodes(info.topLevelKeys, into: &fastNodes)
        for (f, field) in spec.fields.enumerated() {
            let found: JSONValue?
            if let parent = field.parent {
                guard let p = Lookup.value(object, parent), p.isObject else { continue }
                found = Lookup.value(object, field.path)
            } else {
                let node = fastNodes[info.topLevelSlot[f]]
                found = node >= 0 ? object.member(node) : nil
            }
            switch info.fieldRules[f].problem(found?.kind) {
            case .missing:
                if runs(.requiredFieldMissing) { reportRequiredFieldMissing(spec, field) }
            case .unexpectedNull, .wrongKind:
                if runs(.fieldTypeMismatch) { reportFieldTypeMismatch(spec, field, found) }
            case nil:
                if field.allowed != nil, runs(.fieldValueNotAllowed) { checkFieldValueNotAllowed(spec, field, found) }
            }
        }
    }

    /// What is wrong with one field of an event, as far as presence and JSON kind go.
    enum SchemaProblem { case missing, unexpectedNull, wrongKind }

    /// One catalog field's presence and kind rules, precomputed (the full schema check and the delta fast path both
    /// decide through `problem(_:)`, so they cannot disagree).
    struct FieldRule {
        let required: Bool
        let nullable: Bool
        /// Whether the catalog fixes the allowed values (checked on the decoded string, outside `problem`).
        let enumerated: Bool
        /// Bit `ordinal` set for each accepted kind.
        let accepts: UInt8

        init(_ field: FieldSpec) {
            required = field.required
            nullable = field.nullable
            enumerated = field.allowed != nil
            accepts = JSONKind.allCases.reduce(0) { bits, kind in
                field.kinds.contains { $0.accepts(kind) } ? bits | 1 << kind.ordinal : bits
            }
        }

        /// The problem with a field of kind `kind` (`nil`: absent).
        ///
        /// `null` counts as present: it is accepted where the field is nullable or required (real traffic sends null
        /// for many "required" fields).
        func problem(_ kind: JSONKind?) -> SchemaProblem? {
            guard let kind else { return required ? .missing : nil }
            if kind == .null { return nullable || required ? nil : .unexpectedNull }
            return accepts & 1 << kind.ordinal != 0 ? nil : .wrongKind
        }
    }

    /// Server event ids (remembered for every rule that looks back) and the session's first server event.
    mutating func checkServerIdentity(_ object: JSONValue, _ type: String) {
        if let idValue = object["event_id"], idValue.kind == .string, idValue.byteCount > 0 {
            let first = state.serverEventIDs.firstUse(of: idValue.bytesHash, line: line)
            if let first, runs(.serverEventIDDuplicate) { reportServerEventIDDuplicate(idValue, first: first.line) }
        } else if runs(.serverEventIDMissing) {
            checkServerEventIDMissing(type)
        }
        if !state.sawServerEvent {
            if runs(.sessionCreatedFirst) { checkSessionCreatedFirst(type) }
            state.sawServerEvent = true
        }
    }

    /// Client event ids, remembered (errors point back at them) and checked.
    mutating func checkClientIdentity(_ object: JSONValue) {
        guard let idValue = object["event_id"], idValue.kind == .string else { return }
        let repeated = state.recordClientEvent(idValue.bytesHash, line: line, type: currentType ?? "")
        guard idValue.byteCount > 512 || repeated != nil, runs(.clientEventIDInvalid) else { return }
        checkClientEventIDInvalid(idValue, repeated: repeated)
    }

    /// Dialect from events that exist in one dialect only, and from `session.type` (GA): the first evidence is kept
    /// (the delta fast path relies on it), a contradiction goes to `dialect-mixed`.
    mutating func checkDialect(_ type: String, _ spec: EventSpec, _ object: JSONValue) {
        var dialect: Dialect? = spec.dialects == .beta ? .beta : spec.dialects == .ga ? .ga : nil
        if dialect == nil, type == EventNames.sessionCreated || type == EventNames.sessionUpdated {
            dialect =
                Lookup.isSet(object, "session.type") ? .ga : (Lookup.isSet(object, "session.modalities") ? .beta : nil)
        }
        guard let dialect else { return }
        guard let evidence = state.dialectEvidence else {
            state.dialectEvidence = (dialect, line)
            return
        }
        if evidence.dialect != dialect, runs(.dialectMixed) { checkDialectMixed(type, dialect, evidence) }
    }
}

extension JSONKind {
    /// The position in `allCases`, without a search.
    fileprivate var ordinal: Int {
        switch self {
        case .string: 0
        case .integer: 1
        case .number: 2
        case .boolean: 3
        case .object: 4
        case .array: 5
        case .null: 6
        }
    }
}
