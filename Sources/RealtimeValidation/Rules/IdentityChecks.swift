import RealtimeProtocol
import RealtimeRecording

// Dispatch for the identity rules (required-field-missing, field-type-mismatch, field-value-not-allowed,
// server-event-id-*, client-event-id-invalid, session-created-first): the one-pass schema walk and the event-id
// bookkeeping; each rule's condition and message are in its file under Identity/.

extension SessionValidator {
    /// Required fields, JSON kinds, nullability and enums, straight from the catalog.
    ///
    /// Fields are found in one pass over each object of the event (`SchemaPlan`); a nested field is checked only when
    /// its parent is an object.
    mutating func checkSchema(_ object: JSONValue, _ spec: EventSpec, _ info: TypeInfo) {
        let plan = info.schema
        Self.findSchemaNodes(object, plan, into: &schemaNodes, scratch: &schemaScratch)
        for f in plan.rules.indices {
            let node = schemaNodes[f]
            guard node >= -1 else { continue }  // the parent is absent or not an object
            let rule = plan.rules[f]
            switch rule.problem(node >= 0 ? object.kind(ofNode: node) : nil) {
            case .missing:
                if runs(.requiredFieldMissing) { reportRequiredFieldMissing(spec, spec.fields[f]) }
            case .unexpectedNull, .wrongKind:
                if runs(.fieldTypeMismatch) { reportFieldTypeMismatch(spec, spec.fields[f], object.member(node)) }
            case nil:
                guard rule.enumerated, node >= 0, !rule.allows(object.member(node)), runs(.fieldValueNotAllowed)
                else { continue }
                checkFieldValueNotAllowed(spec, spec.fields[f], object.member(node))
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
        /// The allowed values' UTF-8, when `enumerated`.
        let allowedBytes: [[UInt8]]

        init(_ field: FieldSpec) {
            required = field.required
            nullable = field.nullable
            enumerated = field.allowed != nil
            allowedBytes = (field.allowed ?? []).map { Array($0.utf8) }
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

        /// Whether `value` is one of the allowed strings as written (no escape, no decoding).
        ///
        /// Then `field-value-not-allowed` has nothing to say; `false` leaves the decision to its check.
        func allows(_ value: JSONValue) -> Bool {
            guard value.kind == .string else { return false }
            return value.withRawBytes { raw in allowedBytes.contains { $0.elementsEqual(raw) } }
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
