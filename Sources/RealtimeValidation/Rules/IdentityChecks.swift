import RealtimeProtocol
import RealtimeRecording

// Rules: required-field-missing, field-type-mismatch, field-value-not-allowed, server-event-id-*,
// client-event-id-invalid, session-created-first, dialect-mixed.

extension SessionValidator {
    /// Required fields, JSON kinds, nullability and enums, straight from the catalog.
    ///
    /// Top-level fields are found in one pass over the event's members (`TypeInfo.topLevelKeys`), nested ones by path.
    mutating func checkSchema(_ object: JSONValue, _ spec: EventSpec, _ info: TypeInfo) {
        _ = object.memberNodes(info.topLevelKeys, into: &fastNodes)
        for (f, field) in spec.fields.enumerated() {
            let found: JSONValue?
            if let parent = field.parent {
                guard let p = JSON.value(object, parent), p.isObject else { continue }
                found = JSON.value(object, field.path)
            } else {
                let node = fastNodes[info.topLevelSlot[f]]
                found = node >= 0 ? object.member(node) : nil
            }
            let kinds = field.kinds.map(\.rawValue).joined(separator: " | ")
            switch info.fieldRules[f].problem(found?.kind) {
            case .missing:
                emit(
                    .requiredFieldMissing, "\(spec.name) has no \(field.path).", expected: "\(field.path): \(kinds)",
                    actual: "absent")
                continue
            case .unexpectedNull:
                emit(.fieldTypeMismatch, "\(spec.name).\(field.path) is null.", expected: kinds, actual: "null")
                continue
            case .wrongKind:
                emit(
                    .fieldTypeMismatch, "\(spec.name).\(field.path) has the wrong JSON type.", expected: kinds,
                    actual: "\(found?.kind.rawValue ?? "") \(JSON.render(found))")
                continue
            case nil:
                guard let value = found, !value.isNull else { continue }
                if let allowed = field.allowed, let text = value.string, !allowed.contains(text) {
                    emit(
                        .fieldValueNotAllowed, "\(spec.name).\(field.path) has an undocumented value.",
                        expected: "one of \(allowed.joined(separator: ", "))", actual: JSONText.quoted(text))
                }
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

    mutating func checkServerIdentity(_ object: JSONValue, _ type: String) {
        if let idValue = object["event_id"], idValue.kind == .string, idValue.byteCount > 0 {
            if let first = state.serverEventIDs.firstUse(of: idValue.bytesHash, line: line) {
                let id = idValue.string ?? ""
                emit(
                    .serverEventIDDuplicate, "The server event_id \(id) was already used.",
                    expected: "a new event_id", actual: id, related: [RelatedLine(line: first.line, note: "first use")])
            }
        } else if catalog.spec(for: type)?.requiredFields.contains(where: { $0.path == "event_id" }) == true {
            emit(
                .serverEventIDMissing, "The server event \(type) has no event_id.",
                expected: "a non-empty event_id", actual: "absent or empty")
        }
        if !state.sawServerEvent {
            if !currentMoves.allows(.session, from: ProtocolStateMachine.Phase.start) {
                emit(
                    .sessionCreatedFirst, "The first server event is \(type), not session.created.",
                    expected: "session.created", actual: type)
            }
            state.sawServerEvent = true
        }
    }

    mutating func checkClientIdentity(_ object: JSONValue) {
        guard let idValue = object["event_id"], idValue.kind == .string else { return }
        let repeated = state.recordClientEvent(idValue.bytesHash, line: line, type: currentType ?? "")
        guard idValue.byteCount > 512 || repeated != nil, let id = idValue.string else { return }
        if id.count > 512 {
            emit(
                .clientEventIDInvalid, "A client event_id is longer than 512 characters.",
                expected: "≤ 512 characters", actual: "\(id.count) characters")
        }
        if let first = repeated {
            emit(
                .clientEventIDInvalid,
                "The client event_id \(id) was already used, so errors cannot be traced to one event.",
                expected: "a unique event_id", actual: id,
                related: [RelatedLine(line: first.line, note: "first use by \(first.type)")])
        }
    }

    /// Dialect from events that exist in one dialect only, and from `session.type` (GA).
    mutating func checkDialect(_ type: String, _ spec: EventSpec, _ object: JSONValue) {
        var dialect: Dialect? = spec.dialects == .beta ? .beta : spec.dialects == .ga ? .ga : nil
        if dialect == nil, type == EventNames.sessionCreated || type == EventNames.sessionUpdated {
            dialect =
                JSON.isSet(object, "session.type") ? .ga : (JSON.isSet(object, "session.modalities") ? .beta : nil)
        }
        guard let dialect else { return }
        guard let evidence = state.dialectEvidence else {
            state.dialectEvidence = (dialect, line)
            return
        }
        guard evidence.dialect != dialect, !state.reportedDialectMix else { return }
        state.reportedDialectMix = true
        let origin = evidence.line == 0 ? "the recording header or --dialect" : "line \(evidence.line)"
        emit(
            .dialectMixed,
            "\(type) is a \(dialect.rawValue) event in a session that speaks \(evidence.dialect.rawValue) (from \(origin)).",
            expected: "\(evidence.dialect.rawValue) event names"
                + (catalog.counterpart(of: type).map { " (\($0))" } ?? ""),
            actual: type,
            related: evidence.line > 0
                ? [RelatedLine(line: evidence.line, note: "\(evidence.dialect.rawValue) evidence")] : [])
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
