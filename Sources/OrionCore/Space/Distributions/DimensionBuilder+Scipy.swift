extension DimensionBuilder {
    /// The parameters of a scipy distribution, as scipy reads them: the shapes, then `loc`, then `scale` (not for
    /// a discrete family), positionally or by name.
    ///
    /// - Parameter family: the family named by the call.
    /// - Returns: the distribution, and a builder of the call without the keywords it read (the options left).
    /// - Throws: ``SpaceError`` `.invalidArguments` for a missing, repeated, non-numeric or invalid parameter.
    func scipyDistribution(_ family: ScipyDistribution.Family) throws(SpaceError)
        -> (ScipyDistribution, DimensionBuilder)
    {
        let names = family.shapeNames + (family.isDiscrete ? ["loc"] : ["loc", "scale"])
        let usage =
            "\(family.rawValue)("
            + names.map { $0 == "loc" || $0 == "scale" ? "\($0)=..." : $0 }
            .joined(separator: ", ") + ")"
        var values: [PythonLiteral?] = Array(repeating: nil, count: names.count)
        if call.positional.count > names.count {
            throw fail(
                .invalidArguments,
                call.positional[names.count].column,
                "too many arguments for '\(call.name)': \(usage); options are given as keywords, e.g. shape=3"
            )
        }
        for (index, argument) in call.positional.enumerated() { values[index] = argument }
        var rest = call
        rest.keywords = []
        for keyword in call.keywords {
            guard let index = names.firstIndex(of: keyword.name) else {
                rest.keywords.append(keyword)
                continue
            }
            if values[index] != nil {
                throw fail(.invalidArguments, keyword.column, "'\(keyword.name)' of '\(call.name)' is given twice")
            }
            values[index] = keyword.value
        }
        var numbers: [Double] = []
        for (index, name) in names.enumerated() {
            guard let literal = values[index] else {
                if index < family.shapeNames.count {
                    throw fail(
                        .invalidArguments,
                        call.closeColumn,
                        "'\(call.name)' needs its shape parameter \(name): \(usage)"
                    )
                }
                numbers.append(name == "loc" ? 0 : 1)
                continue
            }
            guard let number = literal.number, number.isFinite else {
                throw fail(
                    .invalidArguments,
                    literal.column,
                    "\(name) of '\(call.name)' must be a finite number, got \(literal.display)"
                )
            }
            if name == "scale" && number <= 0 {
                throw fail(
                    .invalidArguments,
                    literal.column,
                    "scale of '\(call.name)' must be > 0, got \(literal.display)"
                )
            }
            if name == "loc" && family.isDiscrete && number != number.rounded() {
                throw fail(
                    .invalidArguments,
                    literal.column,
                    "loc of '\(call.name)' must be a whole number (its values are integers), got \(literal.display)"
                )
            }
            if name == "loc" && family.isDiscrete && !(abs(number) <= ScipyDistribution.integerLimit) {
                throw fail(
                    .invalidArguments,
                    literal.column,
                    "loc of '\(call.name)' must lie within ±2^53, where doubles hold every integer, got "
                        + literal.display
                )
            }
            numbers.append(number)
        }
        let shapes = Array(numbers.prefix(family.shapeNames.count))
        if let (index, problem) = family.problem(with: shapes) {
            let column = values[index]?.column ?? call.closeColumn
            throw fail(.invalidArguments, column, "invalid parameters for '\(call.name)': \(problem)")
        }
        let distribution = ScipyDistribution(
            family,
            shapes: shapes,
            loc: numbers[family.shapeNames.count],
            scale: family.isDiscrete ? 1 : numbers[family.shapeNames.count + 1]
        )
        let (low, high) = distribution.support
        if !(low < high) || low.isNaN || high.isNaN {
            throw fail(
                .invalidArguments,
                call.closeColumn,
                "'\(call.name)' with these parameters has a single value or none (support [\(low), \(high)]); use"
                    + " other parameters"
            )
        }
        rest.positional = []
        return (distribution, DimensionBuilder(call: rest, dimension: dimension))
    }

    /// Refuses `discrete=True` on a continuous family whose values reach beyond 64-bit integers (checked at the
    /// CDF ends the space transform decodes, 2⁻⁵³ and 1 − 2⁻⁵³), instead of clamping them.
    func checkIntegerReach(_ distribution: ScipyDistribution, discrete: Bool) throws(SpaceError) {
        guard discrete, !distribution.family.isDiscrete else { return }
        let ends = [
            distribution.quantile(DimensionCodec.normalTail), distribution.quantile(1 - DimensionCodec.normalTail),
        ]
        guard let far = ends.first(where: { !(abs($0) < DimensionCodec.integerLimit) }) else { return }
        throw fail(
            .invalidArguments,
            call.closeColumn,
            "with discrete=True, '\(call.name)' draws 64-bit integers, but its values reach \(PythonFloat.repr(far));"
                + " narrow its scale or remove discrete=True"
        )
    }

    /// The keywords a scipy family accepts besides its parameters.
    static func scipyOptionKeywords(_ family: ScipyDistribution.Family) -> [String] {
        family.isDiscrete
            ? ["discrete", "shape", "default_value"] : ["discrete", "precision", "shape", "default_value"]
    }
}
