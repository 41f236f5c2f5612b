import Yams

/// YAML merge keys (`<<: *defaults`, `<<: [*a, *b]`) expanded in a configuration file, as Oríon's loader does.
///
/// As PyYAML's `safe_load`, a mapping gets the merged mappings' keys it does not give itself; of several merged
/// mappings, the first to give a key wins. The merged keys keep their own nodes, so that messages point at the lines
/// where they are written.
enum YAMLMerge {
    /// `node` with every merge key below it expanded; a merge key whose value is not a mapping or a list of mappings
    /// stays as written (and is refused as an unknown key where keys are checked).
    static func expanded(_ node: Node) -> Node {
        switch node {
        case .mapping(let mapping):
            let given = Set(mapping.compactMap { key, _ in isMergeKey(key) ? nil : key.scalar?.string })
            var merged: Set<String> = []
            var pairs: [(Node, Node)] = []
            for (key, value) in mapping {
                guard isMergeKey(key), let sources = mergedMappings(value) else {
                    pairs.append((key, expanded(value)))
                    continue
                }
                for source in sources {
                    for (mergedKey, mergedValue) in source {
                        guard let name = mergedKey.scalar?.string, !given.contains(name), merged.insert(name).inserted
                        else { continue }
                        pairs.append((mergedKey, mergedValue))
                    }
                }
            }
            return .mapping(Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark))
        case .sequence(let sequence):
            return .sequence(Node.Sequence(sequence.map(expanded), sequence.tag, sequence.style, sequence.mark))
        default:
            return node
        }
    }

    /// Whether `key` is the merge key: a plain `<<` (a quoted `'<<'` is an ordinary key).
    private static func isMergeKey(_ key: Node) -> Bool {
        guard let scalar = key.scalar else { return false }
        return scalar.string == "<<" && (scalar.style == .plain || scalar.style == .any)
    }

    /// The mappings a merge key's value names, expanded: one mapping, or a list of them; `nil` for anything else.
    private static func mergedMappings(_ value: Node) -> [Node.Mapping]? {
        let nodes: [Node]
        switch value {
        case .mapping: nodes = [value]
        case .sequence(let sequence): nodes = Array(sequence)
        default: return nil
        }
        var mappings: [Node.Mapping] = []
        for node in nodes {
            guard case .mapping(let mapping) = expanded(node) else { return nil }
            mappings.append(mapping)
        }
        return mappings
    }
}
