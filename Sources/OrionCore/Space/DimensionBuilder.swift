/// Turns a parsed ``PriorCall`` into a checked ``SpaceDimension``.
struct DimensionBuilder {
    let call: PriorCall
    let dimension: String

    /// The call with its bounds given as keywords moved to the arguments, in order: `fidelity(low=1, high=81,
    /// base=3)`, the form of Oríon's documentation (`low` and `high` are its fidelity's own parameters, not scipy's
    /// clipping keywords), is `fidelity(1, 81, base=3)`; `normal(loc=0, scale=1)` is `normal(0, 1)`.
    ///
    /// - Parameter keywords: the names of the first arguments, in order, with what they are (for the message).
    /// - Returns: a builder of the rewritten call.
    /// - Throws: ``SpaceError`` `.invalidArguments` for a keyword given as an argument too, or without the ones
    ///   before it.
    private func withKeywordsAsArguments(_ keywords: [(name: String, label: String)]) throws(SpaceError)
        -> DimensionBuilder
    {
        var rewritten = call
        for (position, keyword) in keywords.enumerated() {
            guard let index = rewritten.keywords.firstIndex(where: { $0.name == keyword.name }) else { continue }
            let given = rewritten.keywords.remove(at: index)
            guard rewritten.positional.count == position else {
                let names = keywords.map(\.name)
                throw fail(
                    .invalidArguments,
                    given.column,
                    "the \(keyword.label) of '\(call.name)' is given twice, or without the arguments before it; write"
                        + " \(call.name)(\(names.joined(separator: ", "))) or \(call.name)("
                        + names.map { "\($0)=..." }.joined(separator: ", ") + ")"
                )
            }
            rewritten.positional.append(given.value)
        }
        return DimensionBuilder(call: rewritten, dimension: dimension)
    }

    func fail(_ code: SpaceError.Code, _ column: Int, _ detail: String) -> SpaceError {
        SpaceError(code, dimension: dimension, column: column, detail)
    }

    func build() throws(SpaceError) -> SpaceDimension {
        if let family = ScipyDistribution.Family(rawValue: call.name) {
            let (distribution, rest) = try scipyDistribution(family)
            let options = try rest.readOptions(for: family.rawValue)
            try checkIntegerReach(distribution, discrete: options.discrete)
            return try rest.finish(
                SpaceDimension(
                    name: dimension,
                    prior: .scipy(distribution),
                    kind: options.discrete ? .integer : .real,
                    precision: options.precision,
                    shape: options.shape,
                    defaultValue: options.defaultValue?.value
                ),
                options
            )
        }
        guard let prior = PriorExpression.canonicalName(call.name) else {
            var detail = "unknown prior '\(call.name)'"
            let lowered = call.name.lowercased()
            if PriorExpression.canonicalName(lowered) != nil || ScipyDistribution.Family(rawValue: lowered) != nil {
                detail += " (prior names are lower case: '\(call.name.lowercased())')"
            }
            throw fail(.unknownPrior, call.nameColumn, detail + "; supported priors: " + PriorExpression.supportedList)
        }
        if prior == "fidelity", call.keywords.contains(where: { $0.name == "low" || $0.name == "high" }) {
            return try withKeywordsAsArguments([("low", "lower bound"), ("high", "upper bound")]).build()
        }
        if prior == "normal", call.keywords.contains(where: { $0.name == "loc" || $0.name == "scale" }) {
            // scipy's names of the mean and the standard deviation, which Oríon passes to scipy's `norm`.
            return try withKeywordsAsArguments([("loc", "mean"), ("scale", "standard deviation")]).build()
        }
        let options = try readOptions(for: prior)
        var floatLiterals: Set<PriorArgument> = []
        let built: Prior
        switch prior {
        case "uniform", "loguniform", "normal":
            built = try numericPrior(prior, discrete: options.discrete, floatLiterals: &floatLiterals)
        case "randint":
            built = try randintPrior()
        case "choices":
            built = try ChoicesReader(builder: self).prior()
        default:
            built = try fidelityPrior(base: options.base)
        }
        let result = SpaceDimension(
            name: dimension,
            prior: built,
            kind: options.discrete ? .integer : .real,
            precision: options.precision,
            shape: options.shape,
            defaultValue: options.defaultValue?.value,
            floatLiterals: floatLiterals
        )
        return try finish(result, options)
    }

    /// Checks the `default_value` of a built dimension against it.
    private func finish(_ built: SpaceDimension, _ options: PriorOptions) throws(SpaceError) -> SpaceDimension {
        var result = built
        // As Oríon reads them: `default_value=None` outside the prior is no default, and a whole float is the integer
        // of an integer dimension (`default_value=3.0`).
        if let (value, _) = options.defaultValue, !result.contains(value) {
            if value == .null {
                result.defaultValue = nil
            } else if result.kind == .integer, result.shape.isEmpty, let whole = value.intValue,
                result.contains(.int(whole))
            {
                result.defaultValue = .int(whole)
            }
        }
        if let (value, column) = options.defaultValue, result.defaultValue == value, !result.contains(value) {
            throw fail(
                .invalidOption,
                column,
                "default_value \(value.pythonRepr) is not inside \(result.priorWithoutDefault); choose a value "
                    + (result.shape.isEmpty ? "inside the prior" : "list of that shape inside the prior")
            )
        }
        return result
    }

    /// The two positional numbers of `name(first, second)`, with the columns and float-ness of each.
    private func twoNumbers(
        _ labels: (String, String),
        usage: String,
        allowing extra: Int = 0
    ) throws(SpaceError) -> [PythonLiteral] {
        let arguments = call.positional
        if arguments.count < 2 {
            var detail = "'\(call.name)' needs two arguments: \(usage)"
            if call.name == "uniform" && arguments.count == 1 {
                detail +=
                    "; Oríon 0.2.7 read uniform(a) as scipy's uniform(loc=a, scale=1), i.e. [a, a + 1]: "
                    + "write both bounds"
            }
            throw fail(.invalidArguments, call.closeColumn, detail)
        }
        if arguments.count > 2 + extra {
            throw fail(
                .invalidArguments,
                arguments[2 + extra].column,
                "too many arguments for '\(call.name)': \(usage); options are given as keywords, "
                    + "e.g. discrete=True"
            )
        }
        for (argument, label) in zip(arguments, [labels.0, labels.1]) where argument.number == nil {
            throw fail(
                .invalidArguments,
                argument.column,
                "the \(label) of '\(call.name)' must be a number, got \(argument.display)"
            )
        }
        return arguments
    }

    private func numericPrior(
        _ prior: String,
        discrete: Bool,
        floatLiterals: inout Set<PriorArgument>
    ) throws(SpaceError) -> Prior {
        let isNormal = prior == "normal"
        let labels = isNormal ? ("mean", "standard deviation") : ("lower bound", "upper bound")
        let usage = isNormal ? "\(call.name)(mean, sd)" : "\(call.name)(low, high)"
        let arguments = try twoNumbers(labels, usage: usage)
        let first = arguments[0].number ?? 0
        let second = arguments[1].number ?? 0
        let names: (PriorArgument, PriorArgument) = isNormal ? (.mean, .sd) : (.low, .high)
        // An integer that a double cannot hold is rounded: it prints as the float it became (printing
        // -9223372036854775807 as the integer -9223372036854775808 would not even parse back).
        if arguments[0].isInexactOrFloat { floatLiterals.insert(names.0) }
        if arguments[1].isInexactOrFloat { floatLiterals.insert(names.1) }
        if isNormal {
            guard second > 0 else {
                throw fail(
                    .invalidArguments,
                    arguments[1].column,
                    "the standard deviation of '\(call.name)' must be > 0, got \(arguments[1].display)"
                )
            }
            if discrete {
                let reach = abs(first) + 10 * second
                if !(reach < PriorExpression.integerLimit) {
                    throw fail(
                        .invalidArguments,
                        arguments[1].column,
                        "with discrete=True, \(call.name)(mean, sd) draws 64-bit integers, so mean ± 10 sd must lie"
                            + " within ±\(Self.integerLimitText); got \(PythonFloat.repr(reach)); narrow it or remove"
                            + " discrete=True"
                    )
                }
            }
            return .normal(mean: first, sd: second)
        }
        if prior == "loguniform" && first <= 0 {
            throw fail(
                .invalidArguments,
                arguments[0].column,
                "the lower bound of '\(call.name)' must be > 0 (its log is taken), got \(arguments[0].display)"
            )
        }
        guard first < second else {
            throw fail(
                .invalidArguments,
                arguments[1].column,
                "the upper bound \(arguments[1].display) of '\(call.name)' must be greater than the lower bound "
                    + "\(arguments[0].display)"
            )
        }
        if discrete {
            try checkIntegerRange(
                low: (first.rounded(.up), arguments[0]),
                high: (second.rounded(.down), arguments[1]),
                remedy: "remove discrete=True"
            )
        }
        if discrete && first.rounded(.up) > second.rounded(.down) {
            throw fail(
                .invalidArguments,
                arguments[0].column,
                "no integer lies in [\(arguments[0].display), \(arguments[1].display)]; widen the bounds or "
                    + "remove discrete=True"
            )
        }
        return prior == "loguniform" ? .logUniform(low: first, high: second) : .uniform(low: first, high: second)
    }

    /// How ``PriorExpression/integerLimit`` reads in messages.
    static let integerLimitText = "9.2e18 (2^63)"

    /// Refuses integer bounds outside `Int`'s range (``PriorExpression/integerLimit``) instead of clamping them.
    private func checkIntegerRange(
        low: (value: Double, literal: PythonLiteral),
        high: (value: Double, literal: PythonLiteral),
        remedy: String
    ) throws(SpaceError) {
        let limit = PriorExpression.integerLimit
        for (value, literal, label) in [(low.value, low.literal, "lower"), (high.value, high.literal, "upper")]
        where !(value >= -limit && value < limit) {
            throw fail(
                .invalidArguments,
                literal.column,
                "the \(label) bound \(literal.display) of '\(call.name)' is beyond ±\(Self.integerLimitText), the"
                    + " range of 64-bit integers; narrow the bounds or \(remedy)"
            )
        }
    }

    private func randintPrior() throws(SpaceError) -> Prior {
        let arguments = try twoNumbers(("lower bound", "upper bound"), usage: "randint(low, high), high excluded")
        var bounds: [Int] = []
        for argument in arguments {
            guard case .int(let value) = argument.value else {
                throw fail(
                    .invalidArguments,
                    argument.column,
                    "the bounds of 'randint' must be integers, got \(argument.display)"
                )
            }
            bounds.append(value)
        }
        guard bounds[0] < bounds[1] else {
            throw fail(
                .invalidArguments,
                arguments[1].column,
                "randint(low, high) draws from [low, high), high excluded, so high must be greater than low; "
                    + "got \(bounds[0]) and \(bounds[1])"
            )
        }
        return .randint(low: bounds[0], high: bounds[1])
    }

    private func fidelityPrior(base keywordBase: PythonLiteral?) throws(SpaceError) -> Prior {
        let arguments = try twoNumbers(
            ("lower bound", "upper bound"),
            usage: "fidelity(low, high, base=2)",
            allowing: 1
        )
        let low = arguments[0].number ?? 0
        let high = arguments[1].number ?? 0
        if arguments.count == 3, keywordBase != nil {
            throw fail(.invalidArguments, arguments[2].column, "the base of 'fidelity' is given twice; keep base=")
        }
        var base = 2.0
        if let literal = arguments.count == 3 ? arguments[2] : keywordBase {
            guard let value = literal.number, value >= 1 else {
                throw fail(
                    .invalidOption,
                    literal.column,
                    "the base of 'fidelity' must be a number >= 1 (1 means linear levels), got \(literal.display)"
                )
            }
            base = value
        }
        guard low > 0 else {
            throw fail(
                .invalidArguments,
                arguments[0].column,
                "the lower bound of 'fidelity' must be > 0, got \(arguments[0].display)"
            )
        }
        try checkIntegerRange(
            low: (low, arguments[0]),
            high: (high, arguments[1]),
            remedy: "express the budget in larger units"
        )
        guard low <= high else {
            throw fail(
                .invalidArguments,
                arguments[1].column,
                "the upper bound \(arguments[1].display) of 'fidelity' must be >= the lower bound "
                    + arguments[0].display
            )
        }
        // Oríon 0.2.7 takes `int()` of the low, high and base (`fidelity(1.5, 27, base=2.5)` is `fidelity(1, 27,
        // base=2)` there: epochs stay integers), and fails below 1; a fidelity below 1 (a fraction of the data) keeps
        // its values here (probe p43e).
        if low >= 1 { return .fidelity(low: low.rounded(.down), high: high.rounded(.down), base: base.rounded(.down)) }
        return .fidelity(low: low, high: high, base: base)
    }
}
