import OrionCore

/// A set of synthetic problems written in Swift (the fresh and held-out sets): the priors and coordinate names their
/// definitions share.
protocol SyntheticProblemSet {
    /// The problems.
    static var all: [BenchmarkTask] { get }
    /// The name that stands for the whole set on the command line (`heldout`, `fresh2`, …).
    static var setName: String { get }
}

/// The synthetic sets `--problems` knows, in the order their names are listed.
let syntheticProblemSets: [any SyntheticProblemSet.Type] = [
    HeldOutProblems.self, FreshProblems.self, FreshProblems3.self, FreshProblems4.self, FreshProblems5.self,
    FreshProblems6.self, FreshProblems7.self, FreshProblems8.self, FreshProblems9.self, FreshProblems10.self,
    FreshProblems11.self, FreshProblems12.self, FreshProblems13.self, FreshProblems14.self, FreshProblems15.self,
    FreshProblems16.self,
]

extension SyntheticProblemSet {
    /// The problem called `name`, if any.
    ///
    /// - Parameter name: a problem name such as `hgbat6`.
    /// - Returns: the task, or `nil`.
    static func named(_ name: String) -> BenchmarkTask? { all.first { $0.name == name } }

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
