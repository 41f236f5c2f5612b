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

    /// A categorical choices prior in Oríon's syntax.
    static func choices(_ labels: [String]) -> String {
        "choices([\(labels.map { "'\($0)'" }.joined(separator: ", "))])"
    }

    /// An integer prior on `[low, high]` in Oríon's syntax.
    static func integer(_ low: Int, _ high: Int) -> String { "uniform(\(low), \(high), discrete=True)" }

    /// The error for a categorical value a problem does not know.
    static func unknown(_ task: String, _ name: String, _ value: String) -> BenchmarkError {
        BenchmarkError(.badPoint, "task '\(task)' got unknown \(name) '\(value)'; evaluate it on its own space")
    }
}
