import OrionCore

/// Search spaces used by the conformance suites and the package's tests.
public enum TestSpaces {
    /// Branin's domain: `/x ~ uniform(-5, 10)`, `/y ~ uniform(0, 15)` (see ``Objectives/branin(_:)``).
    ///
    /// - Throws: `SpaceError` if the prior parser rejects the expressions (a bug).
    public static func branin() throws -> Space {
        try Space(priors: ["/x": "uniform(-5, 10)", "/y": "uniform(0, 15)"])
    }

    /// One dimension of every prior kind and option an algorithm may meet: `uniform`, `loguniform`, discrete
    /// `uniform`, discrete `loguniform`, `randint`, `choices`, `fidelity` and a shaped `uniform`.
    ///
    /// - Throws: `SpaceError` if the prior parser rejects the expressions (a bug).
    public static func mixed() throws -> Space {
        try Space(priors: [
            "/a": "uniform(-1, 1)",
            "/b": "loguniform(1e-3, 1)",
            "/c": "uniform(0, 10, discrete=True)",
            "/d": "loguniform(1, 100, discrete=True)",
            "/e": "randint(0, 5)",
            "/f": "choices(['x', 'y', 'z'])",
            "/g": "fidelity(1, 16, base=2)",
            "/h": "uniform(0, 1, shape=2)",
        ])
    }

    /// One dimension of each kind of scipy distribution a prior may name (bounded and unbounded reals, discrete
    /// families, a continuous family with `discrete=True`, a shape), with a fidelity for multi-fidelity algorithms.
    ///
    /// - Throws: `SpaceError` if the prior parser rejects the expressions (a bug).
    public static func scipy() throws -> Space {
        try Space(priors: [
            "/beta": "beta(2, 3, loc=-1, scale=2)",
            "/epochs": "fidelity(1, 9, base=3)",
            "/gamma": "gamma(2, scale=0.5)",
            "/lognorm": "lognorm(1, scale=0.01, shape=2)",
            "/poisson": "poisson(4)",
            "/t": "t(3, discrete=True)",
        ])
    }

    /// A finite space of 6 points, `choices(['a', 'b', 'c'])` × `randint(0, 2)`, for exhaustion checks.
    ///
    /// - Throws: `SpaceError` if the prior parser rejects the expressions (a bug).
    public static func finite() throws -> Space {
        try Space(priors: ["/cat": "choices(['a', 'b', 'c'])", "/int": "randint(0, 2)"])
    }

    /// A finite space with a real on a `precision` grid: `loguniform(1, 10, precision=1)` (the ten values 1, 2, ...,
    /// 9, 10) and two categories, 20 configurations.
    ///
    /// - Parameter fidelity: whether to add the fidelity `/epochs`, `fidelity(1, 4, base=2)`.
    /// - Returns: the space.
    /// - Throws: `SpaceError` if the prior parser rejects the expressions (a bug).
    public static func precisionGrid(fidelity: Bool = false) throws -> Space {
        var priors = ["/cat": "choices(['a', 'b'])", "/lr": "loguniform(1, 10, precision=1)"]
        if fidelity { priors["/epochs"] = "fidelity(1, 4, base=2)" }
        return try Space(priors: priors)
    }

    /// ``finite()`` with a fidelity, `fidelity(1, 4, base=2)`: still 6 configurations, each of which a
    /// multi-fidelity algorithm may run at fidelities 1, 2 and 4.
    ///
    /// - Throws: `SpaceError` if the prior parser rejects the expressions (a bug).
    public static func finiteWithFidelity() throws -> Space {
        try Space(priors: [
            "/cat": "choices(['a', 'b', 'c'])", "/epochs": "fidelity(1, 4, base=2)", "/int": "randint(0, 2)",
        ])
    }

    /// A 4-dimensional continuous space `[-2, 2]^4` for Rosenbrock and sphere (see ``Objectives``).
    ///
    /// - Throws: `SpaceError` if the prior parser rejects the expressions (a bug).
    public static func box(dimensions: Int = 4, low: Double = -2, high: Double = 2) throws -> Space {
        var priors: [String: String] = [:]
        for index in 0..<dimensions { priors["/x\(index)"] = "uniform(\(low), \(high))" }
        return try Space(priors: priors)
    }
}
