import Foundation
import OrionCore

/// Oríon 0.2.7's benchmark tasks (`orion.benchmark.task`), with their spaces, formulas and default budgets.
///
/// Each searches one vector dimension `x` (a prior with `shape=`), as in Oríon. Names are Oríon's class names
/// (`Branin`, `RosenBrock`, …), so they never clash with the comparison problems (`branin`, `rosenbrock4`); a
/// non-default argument is part of the name (`RosenBrock+dim=3`, `Forrester+alpha=6.0+beta=12.0`), which
/// ``task(_:)`` reads back.
public enum OrionTasks {
    /// `Branin(max_trials=20)`: `x ~ uniform(0, 1, shape=2, precision=10)` scaled to [-5, 10] × [0, 15].
    ///
    /// - Parameter maxTrials: the budget (20).
    /// - Returns: the task.
    public static func branin(maxTrials: Int = 20) -> BenchmarkTask {
        BenchmarkTask(
            name: "Branin",
            priors: ["x": "uniform(0, 1, shape=2, precision=10)"],
            optimum: 0.39788735772973816,
            defaultBudget: maxTrials,
            summary: "Oríon's Branin: x in [0, 1]^2 scaled to [-5, 10] x [0, 15]"
        ) { point throws(BenchmarkError) in
            let x = try vector(point, count: 2, task: "Branin")
            return TestFunctions.branin(15 * x[0] - 5, 15 * x[1])
        }
    }

    /// `RosenBrock(max_trials=20, dim=2)`: `x ~ uniform(-5, 10, shape=dim)`; minimum 0 at (1, …, 1).
    ///
    /// - Parameters:
    ///   - maxTrials: the budget (20).
    ///   - dim: the number of dimensions (2).
    /// - Returns: the task.
    public static func rosenbrock(maxTrials: Int = 20, dim: Int = 2) -> BenchmarkTask {
        let name = "RosenBrock" + (dim == 2 ? "" : "+dim=\(dim)")
        return BenchmarkTask(
            name: name,
            priors: ["x": "uniform(-5, 10, shape=\(dim))"],
            optimum: 0,
            defaultBudget: maxTrials,
            summary: "Oríon's RosenBrock: x in [-5, 10]^\(dim)"
        ) { point throws(BenchmarkError) in
            TestFunctions.rosenbrock(try vector(point, count: dim, task: name))
        }
    }

    /// `EggHolder(max_trials=20, dim=2)`: `x ~ uniform(-512, 512, shape=dim)`; the minimum is known for 2
    /// dimensions only (−959.6407 at (512, 404.2319)).
    ///
    /// - Parameters:
    ///   - maxTrials: the budget (20).
    ///   - dim: the number of dimensions (2).
    /// - Returns: the task.
    public static func eggholder(maxTrials: Int = 20, dim: Int = 2) -> BenchmarkTask {
        let name = "EggHolder" + (dim == 2 ? "" : "+dim=\(dim)")
        return BenchmarkTask(
            name: name,
            priors: ["x": "uniform(-512, 512, shape=\(dim))"],
            optimum: dim == 2 ? -959.6406627208506 : nil,
            defaultBudget: maxTrials,
            summary: "EggHolder (Oríon's task, the textbook function): x in [-512, 512]^\(dim), deep and irregular"
        ) { point throws(BenchmarkError) in
            TestFunctions.eggholder(try vector(point, count: dim, task: name))
        }
    }

    /// `CarromTable(max_trials=20)`: `x ~ uniform(-10, 10, shape=2)`; minimum −24.1568 at (±9.6462, ±9.6462).
    ///
    /// - Parameter maxTrials: the budget (20).
    /// - Returns: the task.
    public static func carromTable(maxTrials: Int = 20) -> BenchmarkTask {
        BenchmarkTask(
            name: "CarromTable",
            priors: ["x": "uniform(-10, 10, shape=2)"],
            optimum: -24.15681551650653,
            defaultBudget: maxTrials,
            summary: "CarromTable (Oríon's task, the textbook function): x in [-10, 10]^2, four minima at the corners"
        ) { point throws(BenchmarkError) in
            let x = try vector(point, count: 2, task: "CarromTable")
            return TestFunctions.carromTable(x[0], x[1])
        }
    }

    /// `Forrester(max_trials, alpha=0.5, beta=0.5)`: `x ~ uniform(0, 1)`, `f = (αx − 2)² · sin(βx − 4)`; the
    /// minimum is computed by a dense scan refined by golden-section search.
    ///
    /// - Parameters:
    ///   - maxTrials: the budget (Oríon requires it; 20 here).
    ///   - alpha: α (0.5).
    ///   - beta: β (0.5).
    /// - Returns: the task.
    public static func forrester(maxTrials: Int = 20, alpha: Double = 0.5, beta: Double = 0.5) -> BenchmarkTask {
        let suffix =
            alpha == 0.5 && beta == 0.5 ? "" : "+alpha=\(PythonFloat.repr(alpha))+beta=\(PythonFloat.repr(beta))"
        let name = "Forrester" + suffix
        let function: @Sendable (Double) -> Double = { TestFunctions.forrester($0, alpha: alpha, beta: beta) }
        return BenchmarkTask(
            name: name,
            priors: ["x": "uniform(0, 1)"],
            optimum: TestFunctions.minimum(of: function, from: 0, to: 1),
            defaultBudget: maxTrials,
            summary: "Oríon's Forrester: one real x in [0, 1], (αx − 2)² sin(βx − 4) with α = \(alpha), β = \(beta)"
        ) { point throws(BenchmarkError) in
            function(try point.real("x"))
        }
    }

    /// The five tasks with Oríon's default arguments.
    public static let defaults: [BenchmarkTask] = [
        branin(), rosenbrock(), eggholder(), carromTable(), forrester(),
    ]

    /// A task from a specification: an Oríon class name with optional `:key=value` arguments.
    ///
    /// For example `RosenBrock:dim=3:max_trials=50` or `Forrester:alpha=6:beta=12`; `+` separates them as well,
    /// as in the tasks' names (`RosenBrock+dim=3`).
    ///
    /// - Parameter specification: the class name and arguments.
    /// - Returns: the task, or `nil` when the name is not one of Oríon's tasks.
    /// - Throws: ``BenchmarkError`` `.unknownTask` for an unknown or repeated argument, a bad value (`max_trials` and
    ///   `dim` are integers: `dim=3.7` is refused, not cut to 3), or arguments whose values or optimum are not
    ///   finite (`Forrester:alpha=1e308`).
    public static func task(_ specification: String) throws(BenchmarkError) -> BenchmarkTask? {
        let parts = specification.split(omittingEmptySubsequences: false) { $0 == ":" || $0 == "+" }.map(String.init)
        guard let name = parts.first else { return nil }
        let allowed: [String: [String]] = [
            "Branin": ["max_trials"], "RosenBrock": ["max_trials", "dim"], "EggHolder": ["max_trials", "dim"],
            "CarromTable": ["max_trials"], "Forrester": ["max_trials", "alpha", "beta"],
        ]
        guard let keys = allowed[name] else { return nil }
        let integers: Set<String> = ["max_trials", "dim"]
        var arguments: [String: Double] = [:]
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, keys.contains(pair[0]), let value = Double(pair[1]), value.isFinite else {
                throw BenchmarkError(
                    .unknownTask,
                    "bad argument '\(part)' for task \(name); its arguments are \(keys.joined(separator: ", ")),"
                        + " written \(name):\(keys[0])=20"
                )
            }
            guard !integers.contains(pair[0]) || Int(pair[1]) != nil else {
                throw BenchmarkError(
                    .unknownTask,
                    "task \(specification): \(pair[0]) takes an integer, got '\(pair[1])' (e.g. \(name):\(pair[0])=3)"
                )
            }
            guard arguments.updateValue(value, forKey: pair[0]) == nil else {
                throw BenchmarkError(
                    .unknownTask,
                    "task \(specification) gives \(pair[0]) twice; give each argument once"
                )
            }
        }
        let maxTrials = Int(arguments["max_trials"] ?? 20)
        let dim = Int(arguments["dim"] ?? 2)
        guard maxTrials >= 1, dim >= 2 else {
            throw BenchmarkError(.unknownTask, "task \(specification) needs max_trials >= 1 and dim >= 2")
        }
        switch name {
        case "Branin": return branin(maxTrials: maxTrials)
        case "RosenBrock": return rosenbrock(maxTrials: maxTrials, dim: dim)
        case "EggHolder": return eggholder(maxTrials: maxTrials, dim: dim)
        case "CarromTable": return carromTable(maxTrials: maxTrials)
        default:
            let alpha = arguments["alpha"] ?? 0.5
            let beta = arguments["beta"] ?? 0.5
            // |f| <= (|alpha| + 2)^2 on [0, 1]: finite values, and so a finite optimum, unless that overflows.
            let bound = (abs(alpha) + 2) * (abs(alpha) + 2)
            let task = forrester(maxTrials: maxTrials, alpha: alpha, beta: beta)
            guard bound.isFinite, task.optimum?.isFinite ?? false else {
                throw BenchmarkError(
                    .unknownTask,
                    "task \(specification): with alpha = \(PythonFloat.repr(alpha)) the values of (alpha x - 2)^2"
                        + " sin(beta x - 4) overflow (|alpha| must stay below 1e154)"
                )
            }
            return task
        }
    }

    private static func vector(_ point: BenchmarkTask.Point, count: Int, task: String) throws(BenchmarkError)
        -> [Double]
    {
        let x = try point.vector("x")
        guard x.count == count else {
            throw BenchmarkError(.badPoint, "task '\(task)' needs x with \(count) values, got \(x.count)")
        }
        return x
    }
}

/// Every task `orion benchmark` knows: the nine comparison problems, then Oríon's five tasks.
public enum BenchmarkTasks {
    /// The nine problems and Oríon's tasks with their default arguments.
    public static let all: [BenchmarkTask] = BenchmarkProblems.all + OrionTasks.defaults

    /// The task named or specified by `specification`: a comparison problem (`branin`), a held-out problem, a
    /// scikit-learn task (`sk_svc_digits`), or one of Oríon's tasks with optional arguments (`RosenBrock:dim=3`).
    ///
    /// - Parameters:
    ///   - specification: the name.
    ///   - sklearn: where the scikit-learn tasks are evaluated.
    /// - Returns: the task.
    /// - Throws: ``BenchmarkError`` `.unknownTask`, listing the valid names.
    public static func task(
        _ specification: String,
        sklearn: SklearnTasks.Environment = SklearnTasks.Environment()
    ) throws(BenchmarkError) -> BenchmarkTask {
        if let problem = BenchmarkProblems.named(specification) { return problem }
        for set in syntheticProblemSets {
            if let problem = set.named(specification) { return problem }
        }
        if let task = SklearnTasks.named(specification, sklearn) { return task }
        if let task = try OrionTasks.task(specification) { return task }
        // The nine and Oríon's by name, the other sets by their set's name (every task: `orion benchmark list`).
        throw BenchmarkError(.unknownTask, unknownTaskMessage(specification))
    }

    /// `unknown task 'hartman6' (did you mean 'hartmann6'?); valid tasks: ...`: the nine and Oríon's by name, the
    /// other sets by their set's name (`orion benchmark list` names every task), with the closest name of any task.
    private static func unknownTaskMessage(_ specification: String) -> String {
        let setNames: [[String]] = syntheticProblemSets.map { set in set.all.map { $0.name } }
        let sets = syntheticProblemSets.map { $0.setName } + [SklearnTasks.setName]
        let names = all.map(\.name) + setNames.joined() + SklearnTasks.definitions.map(\.name) + sets
        let base = String(specification.prefix { $0 != ":" })
        let suggestion = Spelling.closest(to: base, in: names).map { " (did you mean '\($0)'?)" } ?? ""
        return "unknown task '\(specification)'\(suggestion); valid tasks: \(all.map(\.name).joined(separator: ", ")),"
            + " the sets \(sets.joined(separator: ", ")) and their tasks (orion benchmark list names them all);"
            + " Oríon's take arguments, e.g. RosenBrock:dim=3"
    }

    /// The tasks of one `--problems` entry: the held-out set for `heldout`, the second to sixteenth fresh sets for
    /// `fresh2` to `fresh16`, the scikit-learn tasks for `sklearn`, else the one task it names.
    ///
    /// - Parameters:
    ///   - specification: a task name, `heldout` or `sklearn`.
    ///   - sklearn: where the scikit-learn tasks are evaluated.
    /// - Returns: the tasks.
    /// - Throws: ``BenchmarkError`` `.unknownTask`, listing the valid names.
    public static func tasks(
        _ specification: String,
        sklearn: SklearnTasks.Environment = SklearnTasks.Environment()
    ) throws(BenchmarkError) -> [BenchmarkTask] {
        if specification == SklearnTasks.setName { return SklearnTasks.all(sklearn) }
        if let set = syntheticProblemSets.first(where: { $0.setName == specification }) { return set.all }
        return [try task(specification, sklearn: sklearn)]
    }
}
