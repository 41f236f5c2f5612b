/// The probability distribution of a dimension, as written in a prior expression.
///
/// Priors are an enum (never strings checked at run time); log scale is part of the case (``logUniform``), and
/// discreteness is the ``SpaceDimension/kind`` of the dimension that holds the prior.
public enum Prior: Hashable, Sendable {
    /// `uniform(low, high)`: uniform on `[low, high]`; with `discrete=True`, integers in `[low, high]`, `high`
    /// included (as in Oríon).
    case uniform(low: Double, high: Double)
    /// `loguniform(low, high)` (alias `reciprocal`): uniform in log space on `[low, high]`, `low > 0`.
    case logUniform(low: Double, high: Double)
    /// `normal(mean, sd)` (aliases `gaussian`, `norm`): a Gaussian, `sd > 0`.
    case normal(mean: Double, sd: Double)
    /// `randint(low, high)`: integers in `[low, high)`, `high` excluded (numpy/scipy convention).
    case randint(low: Int, high: Int)
    /// `choices(...)`: categories with their probabilities (equal when given as a list or as values).
    case choices(values: [JSONValue], probabilities: [Double])
    /// `fidelity(low, high, base=2)`: the budget dimension; `low > 0`, `low <= high`, `base >= 1`.
    case fidelity(low: Double, high: Double, base: Double)
    /// Another `scipy.stats` distribution by name (`beta(2, 3)`, `gamma(2, scale=0.5)`, `poisson(3)`), as Oríon
    /// accepts: reals, or integers for a discrete family (or with `discrete=True`, rounded to the nearest integer).
    case scipy(ScipyDistribution)

    /// The canonical name of the prior in prior expressions (`uniform`, `loguniform`, `normal`, ...).
    public var name: String {
        switch self {
        case .uniform: "uniform"
        case .logUniform: "loguniform"
        case .normal: "normal"
        case .randint: "randint"
        case .choices: "choices"
        case .fidelity: "fidelity"
        case .scipy(let distribution): distribution.family.rawValue
        }
    }

    /// The kind a dimension with this prior has when `discrete` is not given.
    public var naturalKind: DimensionKind {
        switch self {
        case .uniform, .logUniform, .normal: .real
        case .randint: .integer
        case .choices: .categorical
        case .fidelity: .fidelity
        case .scipy(let distribution): distribution.family.isDiscrete ? .integer : .real
        }
    }

    /// Equal probabilities for `count` categories, computed the way ``PriorExpression`` does for a list.
    ///
    /// - Parameter count: the number of categories.
    /// - Returns: `count` copies of `1 / count`.
    public static func uniformProbabilities(count: Int) -> [Double] {
        count > 0 ? Array(repeating: 1.0 / Double(count), count: count) : []
    }
}

/// A numeric argument of a prior, used to remember how the user wrote it (see ``SpaceDimension/floatLiterals``).
///
/// A fidelity's bounds and base are not listed: like Oríon, which converts them with `int()`, integral fidelity
/// bounds are always integers.
public enum PriorArgument: String, Hashable, Sendable, CaseIterable {
    /// The lower bound of `uniform` or `loguniform`.
    case low
    /// The upper bound of `uniform` or `loguniform`.
    case high
    /// The mean of `normal`.
    case mean
    /// The standard deviation of `normal`.
    case sd
}
