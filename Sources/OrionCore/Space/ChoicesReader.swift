/// Reads the categories of `choices(...)`: a list, a dict of probabilities, or the values themselves.
struct ChoicesReader {
    let builder: DimensionBuilder

    private var call: PriorCall { builder.call }

    private static let usage =
        "give categories as choices(['a', 'b']), choices('a', 'b') or "
        + "choices({'a': 0.2, 'b': 0.8})"

    func prior() throws(SpaceError) -> Prior {
        let arguments = call.positional
        guard let first = arguments.first else {
            throw builder.fail(.invalidArguments, call.closeColumn, "'choices' needs categories; " + Self.usage)
        }
        switch first.value {
        case .list(let items) where arguments.count == 1:
            guard !items.isEmpty else {
                throw builder.fail(.invalidArguments, first.column, "the list of categories is empty; " + Self.usage)
            }
            let values = try categories(items)
            return .choices(values: values, probabilities: Prior.uniformProbabilities(count: values.count))
        case .dict(let pairs) where arguments.count == 1:
            return try weighted(pairs, column: first.column)
        default:
            if let container = arguments.first(where: { $0.scalar == nil }) {
                throw builder.fail(
                    .invalidArguments,
                    container.column,
                    "'choices' takes one list or dict, or several single values, not \(container.display) "
                        + "here; " + Self.usage
                )
            }
            let values = try categories(arguments)
            return .choices(values: values, probabilities: Prior.uniformProbabilities(count: values.count))
        }
    }

    /// The categories of `items`, each checked to be a scalar given once.
    ///
    /// - Complexity: O(n): duplicates are found through a set of keys that are equal exactly when
    ///   ``SpaceDimension/sameCategory(_:_:)`` holds (a number's key is its double value), so that a list of
    ///   100,000 categories is read at once.
    private func categories(_ items: [PythonLiteral]) throws(SpaceError) -> [JSONValue] {
        var values: [JSONValue] = []
        var seen: Set<JSONValue> = []
        for item in items {
            guard let value = item.scalar else {
                throw builder.fail(
                    .invalidArguments,
                    item.column,
                    "a category must be a number, a string, True, False or None, not \(item.display)"
                )
            }
            if !seen.insert(value.doubleValue.map(JSONValue.double) ?? value).inserted {
                throw builder.fail(
                    .invalidArguments,
                    item.column,
                    "the category \(value.pythonRepr) appears twice; list each category once"
                )
            }
            values.append(value)
        }
        return values
    }

    private func weighted(
        _ pairs: [(key: PythonLiteral, value: PythonLiteral)],
        column: Int
    ) throws(SpaceError) -> Prior {
        guard !pairs.isEmpty else {
            throw builder.fail(.invalidArguments, column, "the dict of categories is empty; " + Self.usage)
        }
        let values = try categories(pairs.map(\.key))
        var probabilities: [Double] = []
        for pair in pairs {
            guard let probability = pair.value.number, probability >= 0, probability <= 1 else {
                throw builder.fail(
                    .invalidArguments,
                    pair.value.column,
                    "a probability must be a number in [0, 1], got \(pair.value.display)"
                )
            }
            probabilities.append(probability)
        }
        let total = probabilities.reduce(0, +)
        guard abs(total - 1) <= 1e-6 else {
            throw builder.fail(
                .invalidArguments,
                column,
                "the probabilities of 'choices' sum to \(PythonFloat.repr(total)), not 1; adjust them"
            )
        }
        return .choices(values: values, probabilities: probabilities)
    }
}
