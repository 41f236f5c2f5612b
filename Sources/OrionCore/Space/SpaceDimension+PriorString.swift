extension SpaceDimension {
    /// The canonical prior expression of the dimension, as Oríon's `get_prior_string` writes it.
    ///
    /// Examples: `uniform(-5, 5)`, `loguniform(0.001, 1)`, `uniform(1, 10, discrete=True)`,
    /// `choices(['a', 'b', 3])`, `choices({'a': 0.2, 'b': 0.8})`, `fidelity(1, 81, base=3)`,
    /// `uniform(0, 1, precision=2)`, `normal(0, 1)`, `randint(1, 6)`, `beta(2, 3, loc=1, scale=2)`,
    /// `poisson(3, discrete=True)` (scipy distributions: shapes in order, then `loc` and `scale` when not 0 and 1).
    /// Options appear only when they differ from their defaults, in Oríon's order: `shape`, `default_value`, then
    /// `precision` (real) or `discrete=True` (integer). Numbers are printed like Python, keeping the user's integer or float form. Parsing the string
    /// with ``PriorExpression/parse(_:name:)`` gives back an equal dimension.
    public var priorString: String {
        var arguments: [String] = []
        switch prior {
        case .uniform(let low, let high), .logUniform(let low, let high):
            arguments = [number(low, .low), number(high, .high)]
        case .normal(let mean, let sd):
            arguments = [number(mean, .mean), number(sd, .sd)]
        case .randint(let low, let high):
            arguments = [String(low), String(high)]
        case .choices(let values, let probabilities):
            arguments = [SpaceDimension.categoriesString(values, probabilities)]
        case .fidelity(let low, let high, let base):
            arguments = [number(low, .low), number(high, .high)]
            if base != 2 { arguments.append("base=" + number(base, nil)) }
        case .scipy(let distribution):
            arguments = distribution.shapes.map { number($0, nil) }
            if distribution.loc != 0 { arguments.append("loc=" + number(distribution.loc, nil)) }
            if distribution.scale != 1 { arguments.append("scale=" + number(distribution.scale, nil)) }
        }
        if let shapeText = SpaceDimension.shapeString(shape) { arguments.append("shape=" + shapeText) }
        if kind != .fidelity, let value = defaultValue { arguments.append("default_value=" + value.pythonRepr) }
        switch kind {
        case .real where precision != 4:
            arguments.append("precision=" + (precision.map { String($0) } ?? "None"))
        case .integer:
            if case .randint = prior { break }
            arguments.append("discrete=True")
        default:
            break
        }
        return prior.name + "(" + arguments.joined(separator: ", ") + ")"
    }

    /// A numeric argument printed like Python: an integer when written as one, else Python's float `repr`.
    private func number(_ value: Double, _ argument: PriorArgument?) -> String {
        numberValue(value, argument).pythonRepr
    }

    /// `['a', 'b']` when the probabilities are equal, else `{'a': 0.2, 'b': 0.8}`.
    static func categoriesString(_ values: [JSONValue], _ probabilities: [Double]) -> String {
        if probabilities == Prior.uniformProbabilities(count: values.count) {
            return "[" + values.map(\.pythonRepr).joined(separator: ", ") + "]"
        }
        let pairs = zip(values, probabilities).map { "\($0.pythonRepr): \(PythonFloat.repr($1))" }
        return "{" + pairs.joined(separator: ", ") + "}"
    }

    /// `3` for `[3]`, `(2, 3)` for `[2, 3]`, `nil` for a scalar.
    static func shapeString(_ shape: [Int]) -> String? {
        switch shape.count {
        case 0: nil
        case 1: String(shape[0])
        default: "(" + shape.map { String($0) }.joined(separator: ", ") + ")"
        }
    }
}
