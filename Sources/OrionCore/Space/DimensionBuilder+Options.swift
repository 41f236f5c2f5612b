/// The keyword options of a prior call, read and checked.
struct PriorOptions {
    var discrete = false
    var precision: Int? = 4
    var precisionColumn: Int?
    var shape: [Int] = []
    var defaultValue: (value: JSONValue, column: Int)?
    var base: PythonLiteral?
}

extension DimensionBuilder {
    /// The keywords each prior accepts.
    static func validKeywords(for prior: String) -> [String] {
        if let family = ScipyDistribution.Family(rawValue: prior) { return scipyOptionKeywords(family) }
        return switch prior {
        case "uniform", "loguniform", "normal": ["discrete", "precision", "shape", "default_value"]
        case "randint": ["discrete", "shape", "default_value"]
        case "choices": ["shape", "default_value"]
        default: ["base"]
        }
    }

    /// Reads the keyword options of the call for the canonical prior `prior`.
    func readOptions(for prior: String) throws(SpaceError) -> PriorOptions {
        var options = PriorOptions()
        let valid = DimensionBuilder.validKeywords(for: prior)
        for keyword in call.keywords {
            try rejectSpecialKeyword(keyword, prior: prior)
            guard valid.contains(keyword.name) else {
                throw fail(
                    .invalidOption,
                    keyword.column,
                    "unknown option '\(keyword.name)' for '\(call.name)'; valid options: "
                        + valid.joined(separator: ", ")
                )
            }
            let value = keyword.value
            switch keyword.name {
            case "discrete":
                // `discrete=1` and `discrete=0` work in Oríon (Python's truth value): read as True and False, and
                // stored so.
                let flag: Bool
                switch value.value {
                case .bool(let given): flag = given
                case .int(let given) where given == 0 || given == 1: flag = given == 1
                default:
                    throw fail(
                        .invalidOption,
                        value.column,
                        "discrete must be True or False (or 1 or 0), got \(value.display)"
                    )
                }
                if prior == "randint" && !flag {
                    throw fail(
                        .invalidOption,
                        value.column,
                        "randint is always discrete; remove discrete=False or use uniform(low, high)"
                    )
                }
                if let family = ScipyDistribution.Family(rawValue: prior), family.isDiscrete, !flag {
                    throw fail(.invalidOption, value.column, "\(prior) is always discrete; remove discrete=False")
                }
                options.discrete = flag
            case "precision":
                switch value.value {
                case .none:
                    options.precision = nil
                case .int(let digits) where digits > 0:
                    options.precision = digits
                default:
                    throw fail(
                        .invalidOption,
                        value.column,
                        "precision must be a positive integer (significant digits) or None, got \(value.display)"
                    )
                }
                options.precisionColumn = keyword.column
            case "shape":
                options.shape = try readShape(value)
            case "default_value":
                guard let json = value.json else {
                    throw fail(
                        .invalidOption,
                        value.column,
                        "default_value must be a number, a string, True, False, None or a list, got a dict"
                    )
                }
                options.defaultValue = (json, value.column)
            default:
                options.base = value
            }
        }
        if options.discrete, let column = options.precisionColumn {
            throw fail(
                .invalidOption,
                column,
                "precision applies to real dimensions only; remove it or remove discrete=True"
            )
        }
        return options
    }

    /// Explains keywords that Oríon or scipy know but that we refuse on purpose.
    private func rejectSpecialKeyword(_ keyword: PriorCall.Keyword, prior: String) throws(SpaceError) {
        let detail: String
        switch keyword.name {
        case "seed", "random_state":
            detail =
                "'\(keyword.name)=' is not allowed in a prior: randomness is seeded once per experiment "
                + "(the algorithm's seed option); remove it"
        case "size":
            detail = "'size=' is not supported; use shape= instead, e.g. shape=3 or shape=(2, 3)"
        case "low", "high":
            detail =
                "'\(keyword.name)=' is not supported (Oríon 0.2.7 used it to clip the interval silently); "
                + (ScipyDistribution.Family(rawValue: prior) != nil
                    ? "remove it, or use truncnorm(a, b) for a normal distribution cut to an interval"
                    : "write the bounds as arguments, e.g. \(prior)(\(prior == "loguniform" ? "1e-5, 1" : "0, 1"))")
        case "loc" where ScipyDistribution.Family(rawValue: prior) != nil,
            "scale" where ScipyDistribution.Family(rawValue: prior) != nil:
            // Only a discrete family's `scale` gets here: its parameters were read before the options.
            detail =
                "unknown option '\(keyword.name)' for '\(prior)' (a discrete scipy distribution has loc but no "
                + "scale); valid options: " + DimensionBuilder.validKeywords(for: prior).joined(separator: ", ")
        case "loc", "scale":
            detail =
                "scipy's '\(keyword.name)=' is not supported for '\(prior)' (only for normal, as its mean and standard"
                + " deviation); write the prior's own arguments, e.g. \(prior)(\(prior == "loguniform" ? "1e-5, 1" : "0, 1"))"
        default:
            return
        }
        throw fail(.invalidOption, keyword.column, detail)
    }

    private func readShape(_ value: PythonLiteral) throws(SpaceError) -> [Int] {
        let usage = "shape must be a positive integer or a tuple of them, e.g. shape=3 or shape=(2, 3)"
        let sizes: [Int]
        switch value.value {
        case .none:
            return []  // `shape=None`: Oríon's default, a single value
        case .int(let size) where size > 0:
            sizes = [size]
        case .tuple(let items), .list(let items):
            guard !items.isEmpty else { throw fail(.invalidOption, value.column, usage) }
            var read: [Int] = []
            for item in items {
                guard case .int(let size) = item.value, size > 0 else {
                    throw fail(.invalidOption, item.column, usage + ", got \(item.display)")
                }
                read.append(size)
            }
            sizes = read
        default:
            throw fail(.invalidOption, value.column, usage + ", got \(value.display)")
        }
        try checkShapeLimits(sizes, column: value.column)
        return sizes
    }

    /// Refuses shapes beyond ``PriorExpression/maxShapeAxes`` axes or ``PriorExpression/maxShapeElements`` values.
    private func checkShapeLimits(_ sizes: [Int], column: Int) throws(SpaceError) {
        if sizes.count > PriorExpression.maxShapeAxes {
            throw fail(
                .invalidOption,
                column,
                "shape has \(sizes.count) axes, more than the limit of \(PriorExpression.maxShapeAxes); "
                    + "use fewer axes"
            )
        }
        var elements = 1
        for size in sizes {
            let (product, overflow) = elements.multipliedReportingOverflow(by: size)
            elements = overflow ? Int.max : product
        }
        if elements > PriorExpression.maxShapeElements {
            let count = elements == Int.max ? "more than \(Int.max)" : String(elements)
            throw fail(
                .invalidOption,
                column,
                "shape gives \(count) values per trial, more than the limit of \(PriorExpression.maxShapeElements)"
                    + " values per dimension; use a smaller shape"
            )
        }
    }
}
