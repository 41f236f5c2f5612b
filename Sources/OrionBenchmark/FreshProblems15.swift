import Foundation
import OrionCore

/// The fifteenth fresh set (`--problems fresh15`): eight mixed spaces of reals with integers or categories, no
/// algorithm tuned on them.
///
/// Chosen before any run of the option they were added to judge (`gp`'s `prior_mean: "quadratic"`,
/// docs/algorithms/gp.md), none of them among the nine, the held-out or the earlier fresh sets, nor Oríon's tasks:
/// dimensions 3 to 6, five with a categorical, seven with an integer — three training-like losses (a linear model's
/// penalty with a mixing ratio only `elasticnet` uses and a log integer iteration count best at its upper bound; a
/// tree ensemble's growth policy whose best log learning rate falls with a log integer number of rounds, an integer
/// depth; a kernel whose best bandwidth moves with a log regularization best at its lower bound, a degree only `poly`
/// uses), a basin that moves and offsets Rastrigin's function, Griewank's function of two reals and an integer, a
/// curved ill-conditioned chain of three reals beside an integer best at its upper bound, Ackley's cone N.2 beside a
/// precision that offsets it and a seed that does not matter, and a weighted Schwefel 2.20 (a kink at the minimum) of
/// four reals and two integers, one best at its lower bound. Each has a known minimum, so results are simple regrets.
public enum FreshProblems15: SyntheticProblemSet {
    /// The problems.
    public static let all: [BenchmarkTask] = [
        penaltyRatio4, boostedGrowth5, kernelRidge4, rastriginBasins4, griewankInteger3, curvedChain4, ackleyN2Seed4,
        schwefel220Mixed6,
    ]

    /// The name that stands for the whole set on the command line.
    public static let setName = "fresh15"

    private static let budget = 100

    /// A linear model's penalty, its log inverse regularization, an elastic-net ratio, a log integer iteration count.
    public static let penaltyRatio4 = BenchmarkTask(
        name: "penalty_ratio4",
        priors: [
            "penalty": choices(["l1", "l2", "elasticnet"]), "C": "loguniform(0.0001, 100, precision=None)",
            "l1_ratio": real(0, 1), "max_iter": "loguniform(10, 1000, discrete=True)",
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "training-like: a penalty, log C whose best moves with a ratio only elasticnet uses, a log integer "
            + "iteration count best at its upper bound",
        dimensionOrder: ["penalty", "C", "l1_ratio", "max_iter"]
    ) { point throws(BenchmarkError) in
        let penalty = try point.category("penalty")
        guard
            let value = TestFunctions.penaltyRatio(
                penalty: penalty,
                c: try point.real("C"),
                ratio: try point.real("l1_ratio"),
                iterations: (try point.real("max_iter")).rounded()
            )
        else { throw unknown("penalty_ratio4", "penalty", penalty) }
        return value
    }

    /// A tree ensemble's growth policy, its log learning rate, a log integer number of rounds, an integer depth and a
    /// subsample fraction.
    public static let boostedGrowth5 = BenchmarkTask(
        name: "boosted_growth5",
        priors: [
            "growth": choices(["depthwise", "leafwise"]), "lr": "loguniform(0.001, 1, precision=None)",
            "rounds": "loguniform(16, 1024, discrete=True)", "depth": integer(2, 16), "subsample": real(0.3, 1),
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "training-like: a growth policy that sets the best integer depth and subsample, log learning rate "
            + "whose best falls with the log integer number of rounds",
        dimensionOrder: ["growth", "lr", "rounds", "depth", "subsample"]
    ) { point throws(BenchmarkError) in
        let growth = try point.category("growth")
        guard
            let value = TestFunctions.boostedGrowth(
                growth: growth,
                lr: try point.real("lr"),
                rounds: (try point.real("rounds")).rounded(),
                depth: (try point.real("depth")).rounded(),
                subsample: try point.real("subsample")
            )
        else { throw unknown("boosted_growth5", "growth", growth) }
        return value
    }

    /// A kernel, its log bandwidth, a log regularization, an integer degree only `poly` uses.
    public static let kernelRidge4 = BenchmarkTask(
        name: "kernel_ridge4",
        priors: [
            "kernel": choices(["rbf", "laplacian", "poly"]), "gamma": "loguniform(0.0001, 10, precision=None)",
            "alpha": "loguniform(1e-06, 1, precision=None)", "degree": integer(2, 6),
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "training-like: a kernel, log bandwidth whose best moves with a log regularization best at its "
            + "lower bound, an integer degree only poly uses",
        dimensionOrder: ["kernel", "gamma", "alpha", "degree"]
    ) { point throws(BenchmarkError) in
        let kernel = try point.category("kernel")
        guard
            let value = TestFunctions.kernelRidge(
                kernel: kernel,
                gamma: try point.real("gamma"),
                alpha: try point.real("alpha"),
                degree: (try point.real("degree")).rounded()
            )
        else { throw unknown("kernel_ridge4", "kernel", kernel) }
        return value
    }

    /// Rastrigin's function of three reals in [−4, 5], moved and offset by a basin of 3.
    public static let rastriginBasins4 = BenchmarkTask(
        name: "rastrigin_basins4",
        priors: ["basin": choices(["a", "b", "c"]), "x1": real(-4, 5), "x2": real(-4, 5), "x3": real(-4, 5)],
        optimum: 0,
        defaultBudget: budget,
        summary: "mixed: a basin of 3 that moves and offsets Rastrigin's function (multimodal) of 3 reals in [-4, 5]",
        dimensionOrder: ["basin", "x1", "x2", "x3"]
    ) { point throws(BenchmarkError) in
        let basin = try point.category("basin")
        guard let value = TestFunctions.rastriginBasins(basin: basin, try point.reals(names(3)))
        else { throw unknown("rastrigin_basins4", "basin", basin) }
        return value
    }

    /// Griewank's function of two reals in [−20, 30] and an integer in [−10, 40], centred at (14, −9, 27).
    public static let griewankInteger3 = BenchmarkTask(
        name: "griewank_integer3",
        priors: ["x1": real(-20, 30), "x2": real(-20, 30), "k": integer(-10, 40)],
        optimum: 0,
        defaultBudget: budget,
        summary: "mixed: Griewank's function (multimodal, a shallow bowl) of 2 reals in [-20, 30] and an integer in "
            + "[-10, 40]",
        dimensionOrder: ["x1", "x2", "k"]
    ) { point throws(BenchmarkError) in
        TestFunctions.griewankInteger(try point.real("x1"), try point.real("x2"), k: (try point.real("k")).rounded())
    }

    /// A curved, ill-conditioned chain of three reals in [−2, 3], an integer in [1, 8] best at its upper bound.
    public static let curvedChain4 = BenchmarkTask(
        name: "curved_chain4",
        priors: ["x1": real(-2, 3), "x2": real(-2, 3), "x3": real(-2, 3), "k": integer(1, 8)],
        optimum: 0,
        defaultBudget: budget,
        summary: "mixed: a curved, ill-conditioned valley of 3 reals in [-2, 3] and an integer in [1, 8] best at its "
            + "upper bound",
        dimensionOrder: ["x1", "x2", "x3", "k"]
    ) { point throws(BenchmarkError) in
        let x = try point.reals(names(3))
        return TestFunctions.curvedChain(x[0], x[1], x[2], k: (try point.real("k")).rounded())
    }

    /// Ackley's function N.2 of two reals in [−32, 32], offset by a precision of 3, and an integer seed that does not
    /// matter.
    public static let ackleyN2Seed4 = BenchmarkTask(
        name: "ackley_n2_seed4",
        priors: [
            "precision": choices(["fp32", "bf16", "fp16"]), "x1": real(-32, 32), "x2": real(-32, 32),
            "seed": integer(0, 999),
        ],
        optimum: -200,
        defaultBudget: budget,
        summary: "mixed: a precision of 3 that offsets Ackley's cone N.2 of 2 reals in [-32, 32], an integer seed "
            + "that does not matter",
        dimensionOrder: ["precision", "x1", "x2", "seed"]
    ) { point throws(BenchmarkError) in
        let precision = try point.category("precision")
        _ = try point.real("seed")
        guard
            let value = TestFunctions.ackleyPrecision(
                precision: precision,
                try point.real("x1"),
                try point.real("x2")
            )
        else { throw unknown("ackley_n2_seed4", "precision", precision) }
        return value
    }

    /// A weighted Schwefel 2.20 of four reals in [−10, 10], two integers in [0, 8] and [−5, 15].
    public static let schwefel220Mixed6 = BenchmarkTask(
        name: "schwefel220_mixed6",
        priors: [
            "x1": real(-10, 10), "x2": real(-10, 10), "x3": real(-10, 10), "x4": real(-10, 10), "k1": integer(0, 8),
            "k2": integer(-5, 15),
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "mixed: a weighted Schwefel 2.20 (a kink at the minimum) of 4 reals in [-10, 10] and 2 integers, one "
            + "best at its lower bound",
        dimensionOrder: ["x1", "x2", "x3", "x4", "k1", "k2"]
    ) { point throws(BenchmarkError) in
        TestFunctions.schwefel220Mixed(
            try point.reals(names(4)),
            k1: (try point.real("k1")).rounded(),
            k2: (try point.real("k2")).rounded()
        )
    }
}
