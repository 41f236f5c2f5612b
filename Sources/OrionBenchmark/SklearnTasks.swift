import Foundation
import OrionCore

/// Real scikit-learn tuning tasks: models trained on datasets scikit-learn ships, a validation loss to minimize.
///
/// The models are trained by `Benchmarks/sklearn/tasks.py`, one long-lived Python process per run reached through
/// ``PythonLineEvaluator`` (starting Python with scikit-learn costs seconds, an evaluation about 0.1 s). The spaces
/// are written as a user writes them in Oríon priors, mixing log-scaled reals, integers (some log-scaled) and
/// categories. Everything random in a task is fixed, so every run searches the same deterministic function.
///
/// The optimum is unknown: regret is measured against a reference value per task, the best value any method found
/// in the measurement recorded in docs/benchmarking.md ("Real scikit-learn tasks"). A smaller value found later is
/// clipped to regret 0 by the table; ranks by median regret are ranks by median best value either way.
public enum SklearnTasks {
    /// The name that stands for the whole set on the command line.
    public static let setName = "sklearn"

    /// The script that evaluates the tasks, relative to the repository root.
    public static let defaultScript = "Benchmarks/sklearn/tasks.py"

    /// One task as `tasks.py --list` describes it.
    public struct Definition: Sendable, Equatable {
        /// The task's name (`sk_svc_digits`).
        public var name: String
        /// Model, dataset, split and objective, in one line.
        public var summary: String
        /// Dimension name → prior expression.
        public var priors: [String: String]
        /// The dimension names in the definition's order.
        public var order: [String]
        /// The value regret is measured against.
        public var reference: Double
    }

    /// Where the tasks are evaluated: the interpreter (with scikit-learn) and the script.
    public struct Environment: Sendable, Equatable {
        /// The Python interpreter; `python3` (found on `PATH`) by default.
        public var python: String
        /// The path of `tasks.py`.
        public var script: String

        /// Creates an environment.
        ///
        /// - Parameters:
        ///   - python: the interpreter.
        ///   - script: the path of `tasks.py`.
        public init(python: String = "python3", script: String = SklearnTasks.defaultScript) {
            self.python = python
            self.script = script
        }
    }

    /// The tasks, in the order of `tasks.py`.
    public static let definitions: [Definition] = [
        Definition(
            name: "sk_svc_digits",
            summary: "SVC on digits (500 train / 500 validation), validation error rate",
            priors: [
                "C": "loguniform(1e-3, 1e3)",
                "gamma": "loguniform(1e-5, 1)",
                "kernel": "choices(['rbf', 'poly', 'sigmoid'])",
            ],
            order: ["C", "gamma", "kernel"],
            reference: 0.014
        ),
        Definition(
            name: "sk_hgb_cancer",
            summary: "HistGradientBoostingClassifier (25 iterations) on breast_cancer (341/228), validation log loss",
            priors: [
                "learning_rate": "loguniform(1e-3, 1)",
                "max_leaf_nodes": "loguniform(4, 64, discrete=True)",
                "min_samples_leaf": "uniform(1, 60, discrete=True)",
                "l2_regularization": "loguniform(1e-6, 10)",
                "max_features": "uniform(0.1, 1)",
            ],
            order: ["learning_rate", "max_leaf_nodes", "min_samples_leaf", "l2_regularization", "max_features"],
            reference: 0.02948003447139681
        ),
        Definition(
            name: "sk_forest_wine",
            summary: "RandomForestClassifier on wine (89/89), validation log loss",
            priors: [
                "n_estimators": "uniform(5, 30, discrete=True)",
                "max_depth": "uniform(1, 12, discrete=True)",
                "max_features": "uniform(0.05, 1)",
                "criterion": "choices(['gini', 'entropy'])",
                "bootstrap": "choices([True, False])",
            ],
            order: ["n_estimators", "max_depth", "max_features", "criterion", "bootstrap"],
            reference: 0.07126928046601742
        ),
        Definition(
            name: "sk_mlp_digits",
            summary: "MLPClassifier (adam, 8 epochs) on digits (600/500), validation log loss",
            priors: [
                "hidden": "loguniform(8, 96, discrete=True)",
                "alpha": "loguniform(1e-6, 1e-1)",
                "learning_rate_init": "loguniform(1e-4, 1e-1)",
                "activation": "choices(['relu', 'tanh', 'logistic'])",
            ],
            order: ["hidden", "alpha", "learning_rate_init", "activation"],
            reference: 0.12401847381026068
        ),
        Definition(
            name: "sk_sgd_diabetes",
            summary: "SGDRegressor (elastic net) on diabetes (265/177, standardized), validation 1 - R^2",
            priors: [
                "alpha": "loguniform(1e-6, 10)",
                "l1_ratio": "uniform(0, 1)",
                "eta0": "loguniform(1e-5, 1)",
                "learning_rate": "choices(['constant', 'invscaling', 'adaptive'])",
                "loss": "choices(['squared_error', 'huber', 'epsilon_insensitive'])",
                "max_iter": "uniform(5, 100, discrete=True)",
            ],
            order: ["alpha", "l1_ratio", "eta0", "learning_rate", "loss", "max_iter"],
            reference: 0.4288688815701379
        ),
    ]

    private static let budget = 100

    /// The tasks, evaluated in `environment`.
    ///
    /// - Parameter environment: the interpreter and script.
    /// - Returns: one task per definition.
    public static func all(_ environment: Environment = Environment()) -> [BenchmarkTask] {
        definitions.map { task($0, environment) }
    }

    /// The task called `name`, if any.
    ///
    /// - Parameters:
    ///   - name: a task name such as `sk_svc_digits`.
    ///   - environment: the interpreter and script.
    /// - Returns: the task, or `nil`.
    public static func named(_ name: String, _ environment: Environment = Environment()) -> BenchmarkTask? {
        definitions.first { $0.name == name }.map { task($0, environment) }
    }

    /// Whether `environment` can evaluate the tasks: the script starts and lists the tasks.
    ///
    /// - Parameter environment: the interpreter and script.
    /// - Returns: `nil` when it can, else one line saying why not and how to fix it.
    public static func unavailability(_ environment: Environment) -> String? {
        guard FileManager.default.fileExists(atPath: environment.script) else {
            return
                "the scikit-learn tasks' script \(environment.script) does not exist: give --sklearn-script"
                + " (Benchmarks/sklearn/tasks.py of the repository)"
        }
        do {
            let process = try PythonLineEvaluator(
                python: environment.python,
                script: environment.script,
                arguments: []
            )
            defer { process.close() }
            guard case .array(let tasks)? = try process.evaluate(.object(["list": .bool(true)])).objectValue?["tasks"]
            else { return "\(environment.script) did not list its tasks; is it swift-orion's tasks.py?" }
            return tasks.isEmpty ? "\(environment.script) lists no tasks" : nil
        } catch {
            return "the scikit-learn tasks need Python with scikit-learn: '\(environment.python) \(environment.script)"
                + " --serve' failed (\(error)); give --python (e.g. /tmp/orion-0.2.7-venv/bin/python) and"
                + " --sklearn-script"
        }
    }

    private static func task(_ definition: Definition, _ environment: Environment) -> BenchmarkTask {
        BenchmarkTask(
            name: definition.name,
            priors: definition.priors,
            optimum: definition.reference,
            defaultBudget: budget,
            summary: definition.summary + " (reference: best found)",
            dimensionOrder: definition.order
        ) {
            try SklearnEvaluator(task: definition.name, environment: environment)
        }
    }
}

/// One run's evaluator of a scikit-learn task: a `tasks.py --serve` process held for the run.
final class SklearnEvaluator: BenchmarkEvaluator {
    private let task: String
    private let process: PythonLineEvaluator

    init(task: String, environment: SklearnTasks.Environment) throws {
        self.task = task
        do {
            process = try PythonLineEvaluator(python: environment.python, script: environment.script, arguments: [])
        } catch {
            throw BenchmarkError(
                .evaluationFailed,
                "task '\(task)' could not start '\(environment.python) \(environment.script) --serve': \(error);"
                    + " give --python a Python with scikit-learn and --sklearn-script the path of tasks.py"
            )
        }
    }

    func evaluate(_ parameters: Parameters) throws -> Double {
        let values = Dictionary(parameters.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        let reply: JSONValue
        do {
            reply = try process.evaluate(.object(["task": .string(task), "params": .object(values)]))
        } catch {
            throw BenchmarkError(.evaluationFailed, "task '\(task)' failed at \(values): \(error)")
        }
        guard let value = reply.objectValue?["value"]?.doubleValue else {
            throw BenchmarkError(.evaluationFailed, "task '\(task)' replied \(reply) instead of {\"value\": number}")
        }
        return value
    }

    func close() { process.close() }
}
