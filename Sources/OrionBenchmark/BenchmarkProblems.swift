import Foundation
import OrionCore

/// The nine comparison problems of `shared/bench/problems.json`, on which swift-orion is compared with its peers
/// (Optuna, Oríon 0.2.7, HEBO).
///
/// Real dimensions are searched unrounded (`precision=None`), as the peers search them; integer dimensions are
/// `uniform(low, high, discrete=True)` (both bounds included), log-scaled ones `loguniform`, categorical ones
/// `choices`. Every objective follows the formula of problems.json; `Tests/Fixtures/benchmark/problems.json` holds
/// values computed by the peers' reference implementation (`peers/functions.py`) that the tests compare with.
public enum BenchmarkProblems {
    /// The nine problems, in the order of problems.json.
    public static let all: [BenchmarkTask] = [
        branin, hartmann3, hartmann6, rosenbrock4, ackley5, levy5, styblinskiTang4, mixedCatInt, lrLike,
    ]

    /// The problem called `name`, if any.
    ///
    /// - Parameter name: a problem name such as `branin`.
    /// - Returns: the task, or `nil`.
    public static func named(_ name: String) -> BenchmarkTask? { all.first { $0.name == name } }

    /// The budget of problems.json: 100 trials per run.
    public static let budget = 100

    private static func real(_ low: Double, _ high: Double, log: Bool = false) -> String {
        "\(log ? "loguniform" : "uniform")(\(PythonFloat.repr(low)), \(PythonFloat.repr(high)), precision=None)"
    }

    private static func reals(_ names: [String], _ low: Double, _ high: Double) -> [String: String] {
        Dictionary(uniqueKeysWithValues: names.map { ($0, real(low, high)) })
    }

    private static func names(_ count: Int) -> [String] { (1...count).map { "x\($0)" } }

    /// Branin-Hoo on [-5, 10] × [0, 15]; minimum 0.397887 at three points.
    public static let branin = BenchmarkTask(
        name: "branin",
        priors: ["x1": real(-5, 10), "x2": real(0, 15)],
        optimum: 0.39788735772973816,
        defaultBudget: budget,
        summary: "Branin-Hoo, 2 real dimensions, three global minima"
    ) { point throws(BenchmarkError) in
        TestFunctions.branin(try point.real("x1"), try point.real("x2"))
    }

    /// Hartmann 3-D on the unit cube.
    public static let hartmann3 = BenchmarkTask(
        name: "hartmann3",
        priors: reals(names(3), 0, 1),
        optimum: -3.8627797873326584,
        defaultBudget: budget,
        summary: "Hartmann, 3 real dimensions in [0, 1], four local minima"
    ) { point throws(BenchmarkError) in
        TestFunctions.hartmann3(try point.reals(names(3)))
    }

    /// Hartmann 6-D on the unit cube.
    public static let hartmann6 = BenchmarkTask(
        name: "hartmann6",
        priors: reals(names(6), 0, 1),
        optimum: -3.322368011415514,
        defaultBudget: budget,
        summary: "Hartmann, 6 real dimensions in [0, 1], six local minima"
    ) { point throws(BenchmarkError) in
        TestFunctions.hartmann6(try point.reals(names(6)))
    }

    /// Rosenbrock 4-D on [-5, 10]^4: a curved, ill-conditioned valley.
    public static let rosenbrock4 = BenchmarkTask(
        name: "rosenbrock4",
        priors: reals(names(4), -5, 10),
        optimum: 0,
        defaultBudget: budget,
        summary: "Rosenbrock, 4 real dimensions, a narrow curved valley (heavy-tailed values)"
    ) { point throws(BenchmarkError) in
        TestFunctions.rosenbrock(try point.reals(names(4)))
    }

    /// Ackley 5-D on [-32.768, 32.768]^5: many regular local minima around one deep funnel.
    public static let ackley5 = BenchmarkTask(
        name: "ackley5",
        priors: reals(names(5), -32.768, 32.768),
        optimum: 0,
        defaultBudget: budget,
        summary: "Ackley, 5 real dimensions, highly multimodal"
    ) { point throws(BenchmarkError) in
        TestFunctions.ackley(try point.reals(names(5)))
    }

    /// Levy 5-D on [-10, 10]^5.
    public static let levy5 = BenchmarkTask(
        name: "levy5",
        priors: reals(names(5), -10, 10),
        optimum: 0,
        defaultBudget: budget,
        summary: "Levy, 5 real dimensions, multimodal"
    ) { point throws(BenchmarkError) in
        TestFunctions.levy(try point.reals(names(5)))
    }

    /// Styblinski-Tang 4-D on [-5, 5]^4: 2^4 local minima, the global one in a corner basin.
    public static let styblinskiTang4 = BenchmarkTask(
        name: "styblinski_tang4",
        priors: reals(names(4), -5, 5),
        optimum: -156.66466281508568,
        defaultBudget: budget,
        summary: "Styblinski-Tang, 4 real dimensions, 16 local minima"
    ) { point throws(BenchmarkError) in
        TestFunctions.styblinskiTang(try point.reals(names(4)))
    }

    /// Two real dimensions, one integer and one categorical that shifts the real optimum.
    public static let mixedCatInt = BenchmarkTask(
        name: "mixed_cat_int",
        priors: [
            "x1": real(-5, 5), "x2": real(-5, 5), "k": "uniform(0, 10, discrete=True)",
            "c": "choices(['a', 'b', 'c'])",
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "mixed: 2 real, 1 integer in [0, 10], 1 categorical of 3 that moves the real optimum",
        dimensionOrder: ["x1", "x2", "k", "c"]
    ) { point throws(BenchmarkError) in
        let category = try point.category("c")
        guard let shift = TestFunctions.mixedShifts[category] else {
            throw BenchmarkError(
                .badPoint,
                "task 'mixed_cat_int' needs c to be one of a, b, c, got '\(category)'; evaluate it on its own space"
            )
        }
        let k = (try point.real("k")).rounded()
        return TestFunctions.mixedCatInt(try point.real("x1"), try point.real("x2"), k, shift)
    }

    /// A learning-rate-like ridge: log-scaled learning rate, weight decay and batch size, and a momentum that
    /// trades off with the learning rate.
    public static let lrLike = BenchmarkTask(
        name: "lr_like",
        priors: [
            "lr": real(1e-5, 1, log: true), "weight_decay": real(1e-6, 0.1, log: true),
            "momentum": real(0, 0.99), "batch_size": "loguniform(16, 512, discrete=True)",
        ],
        optimum: 0.2,
        defaultBudget: budget,
        summary: "training-like: log learning rate and weight decay, momentum, log integer batch size; a ridge",
        dimensionOrder: ["lr", "weight_decay", "momentum", "batch_size"]
    ) { point throws(BenchmarkError) in
        TestFunctions.lrLike(
            lr: try point.real("lr"),
            weightDecay: try point.real("weight_decay"),
            momentum: try point.real("momentum"),
            batchSize: (try point.real("batch_size")).rounded()
        )
    }
}
