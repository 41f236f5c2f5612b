/// One named dimension of a search space: a prior, a kind, and the options of its prior expression.
///
/// Values of a dimension are ``JSONValue``s: `.double` for `real`, `.int` for `integer`, the category itself for
/// `categorical`, and the upper bound for `fidelity`. With a ``shape``, a value is a nested `.array` of that shape.
///
/// (Named `SpaceDimension` rather than `Dimension` so that it does not clash with Foundation's `Dimension`.)
public struct SpaceDimension: Hashable, Sendable {
    /// The dimension's name as given by the caller, such as `/lr`.
    public var name: String
    /// The distribution values are drawn from.
    public var prior: Prior
    /// Whether values are reals, integers, categories or the fidelity.
    public var kind: DimensionKind
    /// Significant digits that sampled reals are rounded to (default 4).
    ///
    /// `nil` means no rounding (`precision=None`); always `nil` for dimensions that are not `real`.
    public var precision: Int?
    /// The shape of a value: `[]` for a scalar, `[3]` for `shape=3`, `[2, 3]` for `shape=(2, 3)`.
    public var shape: [Int]
    /// The integral numeric arguments that were written as float literals, such as `1.0` or `1e3`.
    ///
    /// They keep the user's form in the canonical prior string (`uniform(0, 1.0)`), as Oríon does. Flags of
    /// arguments the prior does not have, or whose value is not an integer, are ignored (also by `==`).
    public var floatLiterals: Set<PriorArgument>
    private var explicitDefault: JSONValue?

    /// Creates a dimension.
    ///
    /// The kind is made consistent with the prior: `choices` is always `categorical`, `fidelity` always
    /// `fidelity`, `randint` and discrete scipy families always `integer`, and the other priors are `real` unless
    /// `kind` is `integer`.
    /// `precision` is kept only for `real` dimensions; a fidelity has no shape. No other check is made here: use
    /// ``PriorExpression/parse(_:name:)`` to validate user input.
    ///
    /// - Parameters:
    ///   - name: the dimension's name, e.g. `/lr`.
    ///   - prior: the distribution.
    ///   - kind: `real` or `integer` for `uniform`, `loguniform` and `normal`; ignored for the other priors.
    ///   - precision: significant digits for sampled reals; `nil` for no rounding.
    ///   - shape: the shape of a value, `[]` for a scalar.
    ///   - defaultValue: the value used where a trial lacks this dimension (ignored for a fidelity, whose default
    ///     is its upper bound).
    ///   - floatLiterals: the integral arguments written as floats (see ``floatLiterals``).
    public init(
        name: String,
        prior: Prior,
        kind: DimensionKind,
        precision: Int? = 4,
        shape: [Int] = [],
        defaultValue: JSONValue? = nil,
        floatLiterals: Set<PriorArgument> = []
    ) {
        let natural = prior.naturalKind
        let resolvedKind: DimensionKind = natural == .real && kind == .integer ? .integer : natural
        self.name = name
        self.prior = prior
        self.kind = resolvedKind
        self.precision = resolvedKind == .real ? precision : nil
        self.shape = resolvedKind == .fidelity ? [] : shape
        self.explicitDefault = resolvedKind == .fidelity ? nil : defaultValue
        self.floatLiterals = floatLiterals
    }

    /// The value used where a trial lacks this dimension: the `default_value` option, or the upper bound for a
    /// fidelity; `nil` when there is none.
    public var defaultValue: JSONValue? {
        get {
            if case .fidelity(_, let high, _) = prior { return numberValue(high, .high) }
            return explicitDefault
        }
        set { explicitDefault = newValue }
    }

    /// Whether the prior is uniform in log space (`loguniform`).
    public var isLogScale: Bool {
        if case .logUniform = prior { return true }
        return false
    }

    /// The number of scalar values in one value of the dimension (the product of ``shape``; 1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }

    /// The float-literal flags that matter: those of the prior's arguments that are integers in `Int`'s range
    /// (others always print as floats).
    ///
    /// For `uniform`, a float lower bound (`0.0`, `0.5`) makes the upper bound print as a float too, as Oríon's
    /// `low + (high - low)` does. A fidelity has none: its integral bounds are integers, as in Oríon.
    public var effectiveFloatLiterals: Set<PriorArgument> {
        var result: Set<PriorArgument> = []
        func keep(_ argument: PriorArgument, _ value: Double) {
            if floatLiterals.contains(argument) && Int(exactly: value) != nil { result.insert(argument) }
        }
        switch prior {
        case .uniform(let low, let high):
            keep(.low, low)
            keep(.high, high)
            // Any float lower bound (`0.0`, `0.5`, `1e-5`): Python's `0.5 + 999.5` is `1000.0`.
            let lowIsFloat = result.contains(.low) || Int(exactly: low) == nil
            if lowIsFloat && Int(exactly: high) != nil { result.insert(.high) }
        case .logUniform(let low, let high):
            keep(.low, low)
            keep(.high, high)
        case .normal(let mean, let sd):
            keep(.mean, mean)
            keep(.sd, sd)
        case .randint, .choices, .fidelity, .scipy:
            break
        }
        return result
    }

    /// A numeric prior argument as a value: `.int` when integral and written as an integer, else `.double`.
    func numberValue(_ value: Double, _ argument: PriorArgument?) -> JSONValue {
        let writtenAsFloat = argument.map(effectiveFloatLiterals.contains) ?? false
        if !writtenAsFloat, let integer = Int(exactly: value) { return .int(integer) }
        return .double(value)
    }

    /// Compares everything, with ``effectiveFloatLiterals`` in place of the raw flags.
    public static func == (lhs: SpaceDimension, rhs: SpaceDimension) -> Bool {
        lhs.name == rhs.name && lhs.prior == rhs.prior && lhs.kind == rhs.kind && lhs.precision == rhs.precision
            && lhs.shape == rhs.shape && lhs.defaultValue == rhs.defaultValue
            && lhs.effectiveFloatLiterals == rhs.effectiveFloatLiterals
    }

    /// Hashes what ``==`` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(prior)
        hasher.combine(kind)
        hasher.combine(precision)
        hasher.combine(shape)
        hasher.combine(defaultValue)
        hasher.combine(effectiveFloatLiterals)
    }
}
