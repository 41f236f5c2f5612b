import Foundation
import OrionCore

/// A task of the multi-fidelity benchmark: an objective whose cost is its fidelity (epochs), a known reference
/// value for regret, and a budget of total fidelity.
///
/// The budget of a run is ``budget``: what random search spends running ``randomTrials`` configurations at full
/// fidelity. Every algorithm gets the same budget; a trial that would take the total past it is not run.
public struct MultiFidelityTask: Sendable {
    /// How a task's objective is computed.
    public enum Objective: Sendable {
        /// In process: the parameters and the run's seed give the observed and the noise-free value.
        case function(@Sendable (Parameters, Int) throws(BenchmarkError) -> Evaluation)
        /// A real script run through the Oríon protocol (`ProcessExecutor`, `$ORION_RESULTS_PATH`): the command
        /// with its priors (interpreter first), to which `--seed <run's seed>` is appended. When `serves`, the
        /// same script run as `interpreter script --serve` answers one JSON request per trial (``PythonLineEvaluator``)
        /// by doing what one trial's process does; the runner then uses one such process per run.
        case script(arguments: [String], serves: Bool)
    }

    /// One evaluation: the value reported to the algorithm and the noise-free one used for regret.
    public struct Evaluation: Sendable, Equatable {
        /// The observed objective.
        public var value: Double
        /// The objective without noise (the observed one for a real task).
        public var clean: Double
        /// The fidelity the trial actually trained (less than its fidelity when it resumed from its parent's
        /// checkpoint), when the task reports it (the statistic `trained_epochs` of a script).
        public var trained: Double?

        /// Creates an evaluation.
        public init(value: Double, clean: Double, trained: Double? = nil) {
            self.value = value
            self.clean = clean
            self.trained = trained
        }
    }

    /// The task's name in result files (`learning_curve`, `sgd_digits`).
    public var name: String
    /// The search space: dimension name → prior, the fidelity included (for a script, the command's priors).
    public var priors: [String: String]
    /// The largest fidelity: a trial there counts for regret.
    public var maxFidelity: Double
    /// The reference value: regret is the noise-free value at full fidelity minus this.
    public var optimum: Double
    /// Random search's trials at full fidelity: the budget is this times ``maxFidelity``.
    public var randomTrials: Int
    /// One line on the task.
    public var summary: String
    /// The objective.
    public var objective: Objective

    /// Creates a task.
    ///
    /// - Parameters:
    ///   - name: the task's name.
    ///   - priors: the search space, fidelity included.
    ///   - maxFidelity: the fidelity prior's upper bound.
    ///   - optimum: the reference for regret.
    ///   - randomTrials: random search's trials at full fidelity (the budget's size).
    ///   - summary: one line describing the task.
    ///   - objective: how the objective is computed.
    public init(
        name: String,
        priors: [String: String],
        maxFidelity: Double,
        optimum: Double,
        randomTrials: Int,
        summary: String,
        objective: Objective
    ) {
        self.name = name
        self.priors = priors
        self.maxFidelity = maxFidelity
        self.optimum = optimum
        self.randomTrials = randomTrials
        self.summary = summary
        self.objective = objective
    }

    /// The total fidelity a run may spend by default: ``randomTrials`` × ``maxFidelity``.
    public var budget: Double { Double(randomTrials) * maxFidelity }
}

/// The tasks of the multi-fidelity benchmark.
public enum MultiFidelityTasks {
    /// The names ``task(_:python:script:)`` knows.
    public static let names = ["learning_curve", "sgd_digits", "mlp_digits"]

    /// The synthetic learning curve (``LearningCurve``): `lr`, `momentum`, `dropout`, `epochs ~ fidelity(1, 27,
    /// base=3)`; regret against the best asymptote 0.1; 20 random trials at full fidelity (540 epochs).
    ///
    /// - Parameter randomTrials: random search's trials at full fidelity.
    /// - Returns: the task.
    public static func learningCurve(randomTrials: Int = 20) -> MultiFidelityTask {
        MultiFidelityTask(
            name: "learning_curve",
            priors: [
                "lr": "loguniform(1e-4, 1, precision=None)",
                "momentum": "uniform(0, 1, precision=None)",
                "dropout": "uniform(0, 1, precision=None)",
                "epochs": "fidelity(1, 27, base=3)",
            ],
            maxFidelity: 27,
            optimum: LearningCurve.bestAsymptote,
            randomTrials: randomTrials,
            summary: "synthetic learning curves (crossing, seeded noise); regret against the best asymptote 0.1",
            objective: .function { params, seed throws(BenchmarkError) in
                let point = BenchmarkTask.Point(parameters: params, task: "learning_curve")
                let (lr, momentum, dropout, epochs) = (
                    try point.real("lr"), try point.real("momentum"), try point.real("dropout"),
                    try point.real("epochs")
                )
                return MultiFidelityTask.Evaluation(
                    value: LearningCurve.value(
                        lr: lr,
                        momentum: momentum,
                        dropout: dropout,
                        epochs: epochs,
                        seed: seed
                    ),
                    clean: LearningCurve.clean(lr: lr, momentum: momentum, dropout: dropout, epochs: epochs)
                )
            }
        )
    }

    /// scikit-learn's `SGDClassifier` trained with `partial_fit` on `load_digits`, one epoch per unit of fidelity,
    /// run as a real script (`Benchmarks/multifidelity/sgd_digits.py`): `alpha`, `eta0`, `l1_ratio`,
    /// `epochs ~ fidelity(1, 27, base=3)`; the objective is the validation error (regret against 0); 9 random
    /// trials at full fidelity (243 epochs).
    ///
    /// - Parameters:
    ///   - python: the interpreter that has scikit-learn.
    ///   - script: the path of `sgd_digits.py`.
    ///   - randomTrials: random search's trials at full fidelity.
    /// - Returns: the task.
    public static func sgdDigits(python: String, script: String, randomTrials: Int = 9) -> MultiFidelityTask {
        let priors = [
            "alpha": "loguniform(1e-6, 1, precision=None)",
            "eta0": "loguniform(1e-5, 1, precision=None)",
            "l1_ratio": "uniform(0, 1, precision=None)",
            "epochs": "fidelity(1, 27, base=3)",
        ]
        return scriptTask(
            name: "sgd_digits",
            python: python,
            script: script,
            priors: priors,
            randomTrials: randomTrials,
            summary: "scikit-learn SGDClassifier with partial_fit on load_digits (real script); validation error",
            serves: false
        )
    }

    /// scikit-learn's `MLPClassifier` (64 hidden ReLU units, SGD with Nesterov momentum) trained with `partial_fit`
    /// on `load_digits`, one epoch per unit of fidelity, run as a real script that checkpoints
    /// (`Benchmarks/multifidelity/mlp_digits.py`): `lr ~ loguniform(1e-4, 1)`, `momentum ~ uniform(0, 0.99)`,
    /// `alpha ~ loguniform(1e-6, 1)`, `batch_size ~ loguniform(8, 512, discrete=True)`, `epochs ~ fidelity(1, 27,
    /// base=3)`; the objective is the validation log loss (regret against 0); a trial with a parent continues
    /// from the parent's checkpoint; 20 random trials at full fidelity (540 epochs).
    ///
    /// - Parameters:
    ///   - python: the interpreter that has scikit-learn.
    ///   - script: the path of `mlp_digits.py`.
    ///   - randomTrials: random search's trials at full fidelity.
    /// - Returns: the task.
    public static func mlpDigits(python: String, script: String, randomTrials: Int = 20) -> MultiFidelityTask {
        let priors = [
            "lr": "loguniform(1e-4, 1, precision=None)",
            "momentum": "uniform(0, 0.99, precision=None)",
            "alpha": "loguniform(1e-6, 1, precision=None)",
            "batch_size": "loguniform(8, 512, discrete=True)",
            "epochs": "fidelity(1, 27, base=3)",
        ]
        return scriptTask(
            name: "mlp_digits",
            python: python,
            script: script,
            priors: priors,
            randomTrials: randomTrials,
            summary: "scikit-learn MLPClassifier with partial_fit and checkpoints on load_digits (real script);"
                + " validation log loss",
            serves: true
        )
    }

    /// A real script task on `epochs ~ fidelity(1, 27, base=3)` whose objective is a loss with reference 0: the
    /// script gets one `--name~prior` argument per dimension, in name order.
    ///
    /// - Parameters:
    ///   - name: the task's name.
    ///   - python: the interpreter.
    ///   - script: the script's path.
    ///   - priors: dimension name (without `/`) → prior expression, the fidelity included.
    ///   - randomTrials: random search's trials at full fidelity.
    ///   - summary: one line describing the task.
    ///   - serves: whether the script also answers `--serve` (one process per run).
    /// - Returns: the task.
    private static func scriptTask(
        name: String,
        python: String,
        script: String,
        priors: [String: String],
        randomTrials: Int,
        summary: String,
        serves: Bool
    ) -> MultiFidelityTask {
        let arguments = [python, script] + priors.keys.sorted().map { "--\($0)~\(priors[$0] ?? "")" }
        return MultiFidelityTask(
            name: name,
            priors: Dictionary(uniqueKeysWithValues: priors.map { ("/" + $0.key, $0.value) }),
            maxFidelity: 27,
            optimum: 0,
            randomTrials: randomTrials,
            summary: summary,
            objective: .script(arguments: arguments, serves: serves)
        )
    }

    /// The task called `name`.
    ///
    /// - Parameters:
    ///   - name: `learning_curve`, `sgd_digits` or `mlp_digits`.
    ///   - python: the interpreter for script tasks.
    ///   - scripts: the directory of the tasks' scripts (`<name>.py`).
    ///   - randomTrials: random search's trials at full fidelity; the task's default when `nil`.
    /// - Returns: the task.
    /// - Throws: ``BenchmarkError`` `.unknownTask` naming the valid tasks.
    public static func task(
        _ name: String,
        python: String,
        scripts: String,
        randomTrials: Int? = nil
    ) throws(BenchmarkError) -> MultiFidelityTask {
        let script = (scripts as NSString).appendingPathComponent(name + ".py")
        switch name {
        case "learning_curve":
            return randomTrials.map { learningCurve(randomTrials: $0) } ?? learningCurve()
        case "sgd_digits":
            return randomTrials.map { sgdDigits(python: python, script: script, randomTrials: $0) }
                ?? sgdDigits(python: python, script: script)
        case "mlp_digits":
            return randomTrials.map { mlpDigits(python: python, script: script, randomTrials: $0) }
                ?? mlpDigits(python: python, script: script)
        default:
            throw BenchmarkError(
                .unknownTask,
                "unknown multi-fidelity task '\(name)'; valid tasks: \(names.joined(separator: ", "))"
            )
        }
    }
}
