import RealtimeProtocol
import RealtimeRecording

// How the schema check finds an event type's fields: derived from the catalog once per type (`TypeInfo`), so the
// check per event walks each object of the event once, comparing key bytes, and copies no `FieldSpec`.

extension SessionValidator {
    /// Where each catalog field of one event type is found: top-level fields in one pass over the event's members,
    /// nested ones in one pass over their parent object's members.
    final class SchemaPlan {
        /// The key bytes of the top-level fields, and for each field its index in them (-1 for nested fields).
        let topLevelKeys: [[UInt8]]
        let topLevelSlot: [Int]
        /// Nested fields grouped by parent path, parents before their children.
        let groups: [Group]
        /// The presence and kind rules of the spec's fields, in the spec's order.
        let rules: [FieldRule]
        /// The most keys looked up in one object (top level or one group).
        let widest: Int

        /// The nested fields of one parent object.
        struct Group {
            /// The parent's index among the spec's fields, or -1 when the catalog does not list it (found by path).
            let parentField: Int
            let parentPath: String
            /// The last path component of each child, and the child's index among the spec's fields.
            let childKeys: [[UInt8]]
            let childFields: [Int]
        }

        init(_ fields: [FieldSpec]) {
            var keys: [[UInt8]] = []
            var slots: [Int] = []
            var byParent: [String: (fields: [Int], keys: [[UInt8]])] = [:]
            var parents: [String] = []
            for (f, field) in fields.enumerated() {
                if let parent = field.parent {
                    slots.append(-1)
                    if byParent[parent] == nil { parents.append(parent) }
                    byParent[parent, default: ([], [])].fields.append(f)
                    byParent[parent, default: ([], [])].keys.append(
                        Array(field.path.utf8.dropFirst(parent.utf8.count + 1)))
                } else {
                    slots.append(keys.count)
                    keys.append(Array(field.path.utf8))
                }
            }
            topLevelKeys = keys
            topLevelSlot = slots
            // Shallower parents first, so a parent that is itself a nested field is found before its children.
            let depth = { (path: String) in path.utf8.count { $0 == 0x2E } }
            let ordered = parents.enumerated().sorted {
                (depth($0.element), $0.offset) < (depth($1.element), $1.offset)
            }
            groups = ordered.map { _, parent in
                Group(
                    parentField: fields.firstIndex { $0.path == parent } ?? -1, parentPath: parent,
                    childKeys: byParent[parent]?.keys ?? [], childFields: byParent[parent]?.fields ?? [])
            }
            rules = fields.map(FieldRule.init)
            widest = groups.reduce(keys.count) { max($0, $1.childKeys.count) }
        }
    }

    /// The node of each field of `plan` in `object`, into `nodes[0..<plan.rules.count]`: the node, -1 when absent from
    /// a parent object that is present, -2 when the parent is absent or not an object (the field is not checked then).
    ///
    /// The same nodes a path lookup from the event finds (the last member of a repeated name counts, as there).
    /// `scratch` holds one reusable array per key count (`memberNodes` sizes its output to the keys), so events of
    /// different types allocate nothing once each count has been seen.
    static func findSchemaNodes(
        _ object: JSONValue, _ plan: SchemaPlan, into nodes: inout [Int32], scratch: inout [[Int32]]
    ) {
        if nodes.count < plan.rules.count { nodes = Array(repeating: -2, count: plan.rules.count) }
        let top = plan.topLevelKeys.count
        while scratch.count <= plan.widest { scratch.append([]) }
        _ = object.memberNodes(plan.topLevelKeys, into: &scratch[top])
        for f in plan.rules.indices {
            let slot = plan.topLevelSlot[f]
            nodes[f] = slot >= 0 ? scratch[top][slot] : -2
        }
        for group in plan.groups {
            let parent: JSONValue?
            if group.parentField >= 0 {
                let node = nodes[group.parentField]
                parent = node >= 0 ? object.member(node) : nil
            } else {
                parent = object.value(at: group.parentPath)
            }
            let width = group.childKeys.count
            guard let parent, parent.memberNodes(group.childKeys, into: &scratch[width]) else { continue }
            for (k, f) in group.childFields.enumerated() { nodes[f] = scratch[width][k] }
        }
    }
}
