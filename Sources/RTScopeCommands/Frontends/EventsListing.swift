import Foundation
public import RealtimeProtocol

/// Renders the event catalog as a table or as JSON (`rtscope events`).
public enum EventsListing {
    /// One event as `--json` prints it.
    public struct Description: Codable, Equatable, Sendable {
        public struct Field: Codable, Equatable, Sendable {
            public let path: String
            public let types: [String]
            public let nullable: Bool
            public let allowed: [String]?
        }
        public struct Stream: Codable, Equatable, Sendable {
            public let keys: [String]
            public let deltaField: String
            public let payload: String
            public let doneEvent: String
            public let finalField: String?
        }
        public let name: String
        public let direction: String
        public let dialects: [String]
        public let family: String
        public let transport: String
        public let required: [Field]
        public let optional: [Field]
        public let ids: [String: String]
        public let answers: [String]
        public let stream: Stream?
        public let counterpart: String?
        public let note: String?
    }

    /// Catalog entries passing the filters, in catalog order.
    public static func select(
        _ catalog: EventCatalog, dialect: Dialect?, direction: Direction?, type: TypeGlob?
    ) -> [EventSpec] {
        catalog.events.filter { spec in
            (dialect.map { spec.dialects.includes($0) } ?? true) && (direction.map { spec.direction == $0 } ?? true)
                && (type.map { $0.matches(spec.name) } ?? true)
        }
    }

    public static func describe(_ spec: EventSpec, catalog: EventCatalog) -> Description {
        func field(_ f: FieldSpec) -> Description.Field {
            .init(path: f.path, types: f.kinds.map(\.rawValue), nullable: f.nullable, allowed: f.allowed)
        }
        return Description(
            name: spec.name, direction: spec.direction.word, dialects: spec.dialects.names,
            family: spec.family.rawValue,
            transport: spec.transport.rawValue, required: spec.requiredFields.map(field),
            optional: spec.optionalFields.map(field),
            ids: Dictionary(spec.ids.map { ($0.path, $0.kind.rawValue) }, uniquingKeysWith: { a, _ in a }),
            answers: spec.answers,
            stream: spec.stream.map {
                .init(
                    keys: $0.keys, deltaField: $0.deltaField, payload: $0.payload.rawValue, doneEvent: $0.doneEvent,
                    finalField: $0.finalField)
            }, counterpart: catalog.counterpart(of: spec.name), note: spec.note)
    }

    /// Pretty JSON array of descriptions (keys sorted, stable).
    public static func json(_ specs: [EventSpec], catalog: EventCatalog) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(specs.map { describe($0, catalog: catalog) }), as: UTF8.self)
    }

    /// An aligned text table: name, sender, dialects, required top-level fields, ids; then the
    /// beta ↔ GA renames.
    public static func table(_ specs: [EventSpec], catalog: EventCatalog) -> String {
        let rows = specs.map { spec -> [String] in
            let required = spec.requiredFields.filter { !$0.path.contains(".") && $0.path != "event_id" }.map(\.path)
            let ids = spec.ids.map(\.path)
            return [
                spec.name, spec.direction.word, spec.dialects.names.joined(separator: "+"),
                required.isEmpty ? "-" : required.joined(separator: ","),
                ids.isEmpty ? "-" : ids.joined(separator: ","),
            ]
        }
        let headers = ["EVENT", "FROM", "DIALECTS", "REQUIRED", "IDS"]
        var widths = headers.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < 4 { widths[i] = max(widths[i], cell.count) } }
        func render(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: "  ")
        }
        let names = Set(specs.map(\.name))
        let renames = EventCatalog.gaRenames.filter {
            names.contains($0.beta) || names.contains($0.ga)
        }.filter { catalog.counterpart(of: $0.beta) == $0.ga }
        var text = ([render(headers)] + rows.map(render)).joined(separator: "\n") + "\n"
        if !renames.isEmpty {
            text += "\nRenamed in GA (beta → ga):\n"
            text += renames.map { "  \($0.beta) → \($0.ga)" }.joined(separator: "\n") + "\n"
        }
        text += "\n\(specs.count) events. Server events also carry event_id. REQUIRED lists top-level fields; "
        text += "--json adds nested fields, types, enums, streams and notes.\n"
        return text
    }
}
