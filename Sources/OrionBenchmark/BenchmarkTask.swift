import Foundation
import OrionCore

/// A function to minimize over a search space, with its known minimum: one row of a benchmark.
///
/// The space is written as Oríon prior strings (`uniform(-5, 10, precision=None)`), so a task searches exactly the
/// space a user would give `orion hunt`; the objective reads the trial's parameters by dimension name. Oríon's
/// `orion.benchmark.task.BenchmarkTask` (`call(**params)`, `get_search_space()`, `max_trials`).
public struct BenchmarkTask: Sendable {
    /// The task's name, as given on the command line and written in result files (`branin`, `orion_rosenbrock`).
    public var name: String
    /// Dimension name → prior expression.
    public var priors: [String: String]
    /// The known global minimum of the objective, or `nil` when it is not known (regret is then the best value).
    public var optimum: Double?
    /// The number of trials a run gets when no budget is given.
    public var defaultBudget: Int
    /// One line on what the task is, for `orion benchmark list` and the result files' notes.
    public var summary: String
    /// The dimension names in the order the task's definition lists them (problems.json's `dims`).
    public var dimensionOrder: [String]
    private let function: @Sendable (Point) throws(BenchmarkError) -> Double
    /// Opens what one run evaluates through, for a task computed outside the process; `nil` for a function.
    private let evaluatorFactory: (@Sendable () throws -> any BenchmarkEvaluator)?

    /// Creates a task.
    ///
    /// - Parameters:
    ///   - name: the task's name.
    ///   - priors: dimension name → prior expression.
    ///   - optimum: the known minimum, if any.
    ///   - defaultBudget: trials per run when none is given.
    ///   - summary: one line describing the task.
    ///   - dimensionOrder: the dimension names in the definition's order; sorted names when `nil`.
    ///   - function: the objective, reading the point's values by dimension name.
    public init(
        name: String,
        priors: [String: String],
        optimum: Double?,
        defaultBudget: Int,
        summary: String,
        dimensionOrder: [String]? = nil,
        function: @escaping @Sendable (Point) throws(BenchmarkError) -> Double
    ) {
        self.name = name
        self.priors = priors
        self.optimum = optimum
        self.defaultBudget = defaultBudget
        self.summary = summary
        self.dimensionOrder = dimensionOrder ?? priors.keys.sorted()
        self.function = function
        self.evaluatorFactory = nil
    }

    /// Creates a task evaluated outside the process (a Python process, say): each run opens one evaluator with
    /// `evaluator`, evaluates all its trials through it and closes it.
    ///
    /// - Parameters:
    ///   - name: the task's name.
    ///   - priors: dimension name → prior expression.
    ///   - optimum: the known minimum, or the reference value regret is measured against.
    ///   - defaultBudget: trials per run when none is given.
    ///   - summary: one line describing the task.
    ///   - dimensionOrder: the dimension names in the definition's order; sorted names when `nil`.
    ///   - evaluator: opens the evaluator of one run.
    public init(
        name: String,
        priors: [String: String],
        optimum: Double?,
        defaultBudget: Int,
        summary: String,
        dimensionOrder: [String]? = nil,
        evaluator: @escaping @Sendable () throws -> any BenchmarkEvaluator
    ) {
        self.name = name
        self.priors = priors
        self.optimum = optimum
        self.defaultBudget = defaultBudget
        self.summary = summary
        self.dimensionOrder = dimensionOrder ?? priors.keys.sorted()
        self.function = { _ throws(BenchmarkError) in
            throw BenchmarkError(.invalidConfiguration, "task '\(name)' is evaluated through makeEvaluator()")
        }
        self.evaluatorFactory = evaluator
    }

    /// What one run evaluates its trials through: the task's function, or (for a task computed outside the
    /// process) a fresh evaluator the run must ``BenchmarkEvaluator/close()``.
    ///
    /// - Returns: the evaluator.
    /// - Throws: the error of opening the evaluator (a missing interpreter, say).
    public func makeEvaluator() throws -> any BenchmarkEvaluator {
        if let evaluatorFactory { return try evaluatorFactory() }
        return FunctionEvaluator(task: self)
    }

    /// The search space, parsed from ``priors``.
    ///
    /// - Returns: the space.
    /// - Throws: `SpaceError` when a prior does not parse (a defect of the task).
    public func space() throws -> Space { try Space(priors: priors) }

    /// The dimensions as `peers/summarize.py` lists them: `x1:f, k:i, c:c, lr:f(log)` (real, integer,
    /// categorical; `(log)` for a log scale; `[3]` for a vector of 3), in ``dimensionOrder``.
    public var dimensionsSummary: String {
        guard let space = try? space() else { return "" }
        return dimensionOrder.compactMap { name in
            guard let dimension = space[name] else { return nil }
            let letter =
                switch dimension.kind {
                case .real: "f"
                case .integer: "i"
                case .categorical: "c"
                case .fidelity: "fidelity"
                }
            let shape = dimension.shape.isEmpty ? "" : "[\(dimension.shape.map(String.init).joined(separator: ","))]"
            return "\(name):\(letter)\(dimension.isLogScale ? "(log)" : "")\(shape)"
        }.joined(separator: ", ")
    }

    /// How the task's real dimensions are rounded, for the result files' notes: `real dimensions unrounded
    /// (precision=None)` for the nine problems, `real dimensions rounded to 4 significant digits` for a task whose
    /// priors keep Oríon's default precision (the scikit-learn tasks), each precision listed when they differ, and
    /// `no real dimensions` for a space of integers and categories.
    public var precisionNote: String {
        guard let space = try? space() else { return "real dimensions as their priors say" }
        let precisions = dimensionOrder.compactMap { space[$0] }.filter { $0.kind == .real }.map(\.precision)
        guard let first = precisions.first else { return "no real dimensions" }
        let describe: (Int?) -> String = {
            $0.map { "rounded to \($0) significant digits" } ?? "unrounded (precision=None)"
        }
        if precisions.allSatisfy({ $0 == first }) { return "real dimensions \(describe(first))" }
        let named = dimensionOrder.compactMap { name -> String? in
            guard let dimension = space[name], dimension.kind == .real else { return nil }
            return "\(name) \(describe(dimension.precision))"
        }
        return "real dimensions: " + named.joined(separator: ", ")
    }

    /// The objective at `parameters`.
    ///
    /// - Parameter parameters: a point of the task's space.
    /// - Returns: the value to minimize.
    /// - Throws: ``BenchmarkError`` `.badPoint` when a dimension is missing or has a value of the wrong type.
    public func evaluate(_ parameters: Parameters) throws(BenchmarkError) -> Double {
        guard let evaluatorFactory else { return try function(Point(parameters: parameters, task: name)) }
        do {
            let evaluator = try evaluatorFactory()
            defer { evaluator.close() }
            return try evaluator.evaluate(parameters)
        } catch let error as BenchmarkError {
            throw error
        } catch {
            throw BenchmarkError(.evaluationFailed, "task '\(name)' failed to evaluate: \(error)")
        }
    }

    /// The objective at a point given as dimension name → value (as in the fixtures and `best_params`).
    ///
    /// - Parameter values: dimension name → value.
    /// - Returns: the value to minimize.
    /// - Throws: ``BenchmarkError`` `.badPoint` when a dimension is missing or has a value of the wrong type.
    public func evaluate(_ values: [String: JSONValue]) throws(BenchmarkError) -> Double {
        let params = values.sorted { $0.key < $1.key }.map { Trial.Param(name: $0.key, type: .real, value: $0.value) }
        return try evaluate(Parameters(params))
    }

    /// A point handed to a task's objective: typed access to its values by dimension name.
    public struct Point: Sendable {
        /// The parameters.
        public let parameters: Parameters
        /// The task's name, for error messages.
        let task: String

        /// The numeric value of dimension `name`.
        ///
        /// - Parameter name: the dimension name.
        /// - Returns: the value as a double (integers converted).
        /// - Throws: ``BenchmarkError`` `.badPoint` when the dimension is missing or not a number.
        public func real(_ name: String) throws(BenchmarkError) -> Double {
            guard let value = parameters[name]?.doubleValue else { throw missing(name, "a number") }
            return value
        }

        /// The numeric values of the dimensions `names`, in order.
        ///
        /// - Parameter names: the dimension names.
        /// - Returns: their values.
        /// - Throws: ``BenchmarkError`` `.badPoint` when one is missing or not a number.
        public func reals(_ names: [String]) throws(BenchmarkError) -> [Double] {
            var values: [Double] = []
            for name in names { values.append(try real(name)) }
            return values
        }

        /// The elements of the vector dimension `name` (a prior with `shape=`).
        ///
        /// - Parameter name: the dimension name.
        /// - Returns: its values.
        /// - Throws: ``BenchmarkError`` `.badPoint` when it is missing or not an array of numbers.
        public func vector(_ name: String) throws(BenchmarkError) -> [Double] {
            guard let elements = parameters[name]?.arrayValue else { throw missing(name, "an array of numbers") }
            var values: [Double] = []
            for element in elements {
                guard let value = element.doubleValue else { throw missing(name, "an array of numbers") }
                values.append(value)
            }
            return values
        }

        /// The string value of the categorical dimension `name`.
        ///
        /// - Parameter name: the dimension name.
        /// - Returns: the category.
        /// - Throws: ``BenchmarkError`` `.badPoint` when it is missing or not a string.
        public func category(_ name: String) throws(BenchmarkError) -> String {
            guard let value = parameters[name]?.stringValue else { throw missing(name, "a string") }
            return value
        }

        private func missing(_ name: String, _ expected: String) -> BenchmarkError {
            BenchmarkError(
                .badPoint,
                "task '\(task)' needs dimension '\(name)' to be \(expected), got \(parameters[name].map { "\($0)" } ?? "nothing");"
                    + " evaluate it on a point of its own space"
            )
        }
    }
}

/// An error of the benchmark: a bad task, algorithm, point or result file.
public struct BenchmarkError: OrionError {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// A point lacks a dimension of the task, or has a value of the wrong type.
        case badPoint
        /// No task or problem of that name.
        case unknownTask
        /// A run configuration that cannot run (budget, seeds, workers).
        case invalidConfiguration
        /// A result file that cannot be read or does not follow the schema.
        case badResultFile
        /// A run that did not complete its budget.
        case incompleteRun
        /// A task evaluated outside the process could not be evaluated (its interpreter or script failed).
        case evaluationFailed
    }

    /// What went wrong.
    public var code: Code
    /// One line saying what happened and how to fix it.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A usage error, except for a run that failed.
    public var kind: ErrorKind {
        switch code {
        case .badPoint, .unknownTask, .invalidConfiguration, .badResultFile: .usage
        case .incompleteRun, .evaluationFailed: .failure
        }
    }
}

/// What one benchmark run evaluates its trials through.
///
/// In-process tasks evaluate their function; a task computed elsewhere (``SklearnTasks``: a Python process per
/// run) holds its resource from ``BenchmarkTask/makeEvaluator()`` until ``close()``. Calls may come from several
/// workers at once.
public protocol BenchmarkEvaluator: Sendable {
    /// The objective at `parameters`.
    ///
    /// - Parameter parameters: a point of the task's space.
    /// - Returns: the value to minimize.
    /// - Throws: ``BenchmarkError`` for a bad point or a failed evaluation.
    func evaluate(_ parameters: Parameters) throws -> Double

    /// Releases what the evaluator holds (a process); further calls fail.
    func close()
}

/// The evaluator of an in-process task: its function.
struct FunctionEvaluator: BenchmarkEvaluator {
    let task: BenchmarkTask

    func evaluate(_ parameters: Parameters) throws -> Double { try task.evaluate(parameters) }

    func close() {}
}
