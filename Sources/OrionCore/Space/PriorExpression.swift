/// The parser of prior expressions such as `uniform(0, 1, discrete=True)` or `choices(['a', 'b'])`.
///
/// The text is tokenized and parsed by hand into literals (nothing is evaluated), then checked against the prior's
/// signature. The grammar and its differences from Oríon 0.2.7 are described in `docs/search-space.md`.
public enum PriorExpression {
    /// The prior names accepted, aliases included.
    public static let priorNames: [String] =
        [
            "uniform", "loguniform", "reciprocal", "normal", "gaussian", "norm", "choices", "randint", "fidelity",
        ] + ScipyDistribution.Family.allCases.map(\.rawValue)

    /// The most values one dimension may hold: the product of its `shape` (10,000).
    ///
    /// Every trial renders the whole value on the script's command line and stores it, so a shape such as
    /// `shape=1000000000` is refused rather than allocating gigabytes.
    public static let maxShapeElements = 10_000

    /// The most axes a `shape` may have (32, numpy's historical limit).
    public static let maxShapeAxes = 32

    /// The deepest nesting of lists, tuples and dicts in a prior expression (64).
    ///
    /// Deeper nesting is refused before it can exhaust the parser's stack; real priors need two or three levels.
    public static let maxNestingDepth = 64

    /// The largest magnitude of the integers of a discrete dimension, and of a fidelity's bounds: 2^63
    /// (about 9.2e18), the limit of a 64-bit integer; bounds beyond it are refused rather than clamped.
    public static let integerLimit = 0x1p63

    /// The supported priors as listed in error messages.
    static let supportedList =
        "uniform, loguniform, normal (or gaussian), choices, randint, fidelity, and the scipy.stats distributions "
        + ScipyDistribution.Family.allCases.map(\.rawValue).joined(separator: ", ")

    /// Parses a prior expression into a dimension.
    ///
    /// - Parameters:
    ///   - text: the expression, e.g. `loguniform(1e-5, 1)`.
    ///   - name: the dimension's name, e.g. `/lr`; it appears in error messages.
    /// - Returns: the validated dimension.
    /// - Throws: ``SpaceError`` naming the dimension and the 1-based column of the mistake: `syntax` for a
    ///   malformed expression, `unknownPrior`, `invalidArguments` for bad positional arguments, `invalidOption` for
    ///   bad keyword options and a `default_value` outside the prior.
    public static func parse(_ text: String, name: String) throws(SpaceError) -> SpaceDimension {
        var parser = try PriorParser(text: text, dimension: name)
        let call = try parser.parseCall()
        return try DimensionBuilder(call: call, dimension: name).build()
    }

    /// The canonical prior name for `name`, resolving aliases (`gaussian` → `normal`), or `nil` if unknown.
    ///
    /// - Parameter name: a prior name as written.
    /// - Returns: `uniform`, `loguniform`, `normal`, `choices`, `randint`, `fidelity` or `nil`.
    public static func canonicalName(_ name: String) -> String? {
        switch name {
        case "uniform", "loguniform", "normal", "choices", "randint", "fidelity": name
        case "reciprocal": "loguniform"
        case "gaussian", "norm": "normal"
        default: nil
        }
    }
}
