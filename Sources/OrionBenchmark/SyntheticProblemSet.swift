import OrionCore

/// A set of synthetic problems written in Swift (the fresh and held-out sets): the priors and coordinate names their
/// definitions share.
protocol SyntheticProblemSet {}

extension SyntheticProblemSet {
    /// A real prior on `[low, high]` without rounding, in Oríon's syntax.
    static func real(_ low: Double, _ high: Double) -> String {
        "uniform(\(PythonFloat.repr(low)), \(PythonFloat.repr(high)), precision=None)"
    }

    /// The coordinate names `x1` … `x<count>`.
    static func names(_ count: Int) -> [String] { (1...count).map { "x\($0)" } }

    /// `count` real priors on `[low, high]`, named as ``names(_:)``.
    static func reals(_ count: Int, _ low: Double, _ high: Double) -> [String: String] {
        Dictionary(uniqueKeysWithValues: names(count).map { ($0, real(low, high)) })
    }
}
