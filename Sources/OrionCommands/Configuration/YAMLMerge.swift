import Yams

/// YAML merge keys (`<<: *defaults`, `<<: [*a, *b]`) expanded in a configuration file, as Oríon's loader does.
///
/// As PyYAML's `safe_load`, a mapping gets the merged mappings' keys it does not give itself; of several merged
/// mappings, the first to give a key wins. The merged keys keep their own nodes, so that messages point at the lines
/// where they are written. A mapping cannot hold two merge keys (the YAML parser refuses a key given twice): merge
/// several with `<<: [*a, *b]`.
enum YAMLMerge {
    /// A merge key's value that is not a mapping or a list of mappings.
    struct Failure: Error {
        /// The value.
        var node: Node
    }

    /// `node` with every merge key below it expanded.
    ///
    /// - Throws: ``Failure`` with the value of a merge key that is not a mapping or a list of mappings (PyYAML
    ///   refuses it too).
    static func expanded(_ node: Node) throws(Failure) -> Node {
        switch node {
        case .mapping(let mapping):
            let given = Set(mapping.compactMap { key, _ in isMergeKey(key) ? nil : key.scalar?.string })
            var merged: Set<String> = []
            var pairs: [(Node, Node)] = []
            for (key, value) in mapping {
                guard isMergeKey(key) else {
                    pairs.append((key, try expanded(value)))
                    continue
                }
                for source in try mergedMappings(value) {
                    for (mergedKey, mergedValue) in source {
                        guard let name = mergedKey.scalar?.string, !given.contains(name), merged.insert(name).inserted
                        else { continue }
                        pairs.append((mergedKey, mergedValue))
                    }
                }
            }
            return .mapping(Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark))
        case .sequence(let sequence):
            var nodes: [Node] = []
            for item in sequence { nodes.append(try expanded(item)) }
            return .sequence(Node.Sequence(nodes, sequence.tag, sequence.style, sequence.mark))
        default:
            return node
        }
    }

    /// Whether `key` is the merge key: a plain `<<` (a quoted `'<<'` is an ordinary key).
    private static func isMergeKey(_ key: Node) -> Bool {
        guard let scalar = key.scalar else { return false }
        return scalar.string == "<<" && (scalar.style == .plain || scalar.style == .any)
    }

    /// The mappings a merge key's value names, expanded: one mapping, or a list of them.
    ///
    /// - Throws: ``Failure`` for anything else.
    private static func mergedMappings(_ value: Node) throws(Failure) -> [Node.Mapping] {
        let nodes: [Node]
        switch value {
        case .mapping: nodes = [value]
        case .sequence(let sequence): nodes = Array(sequence)
        default: throw Failure(node: value)
        }
        var mappings: [Node.Mapping] = []
        for node in nodes {
            guard case .mapping(let mapping) = try expanded(node) else { throw Failure(node: node) }
            mappings.append(mapping)
        }
        return mappings
    }
}
