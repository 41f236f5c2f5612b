import Foundation
import OrionCore

/// The second fresh set (`--problems fresh2`): eight problems no algorithm was tuned on.
///
/// They were chosen before any run of the algorithm they were added to judge (`gp`'s `trust_region: "v2"`,
/// docs/algorithms/gp.md), none of them among the nine or the held-out ones: five spaces of reals (two multimodal, one rough, two ill-conditioned) and three mixed spaces (an
/// ill-conditioned valley with a category and integers, rings of local minima through reals and integers, a
/// deceptive category). Each has a known minimum, so results are simple regrets.
public enum FreshProblems: SyntheticProblemSet {
    /// The problems.
    public static let all: [BenchmarkTask] = [
        cosineMixture6, ellipsoid6, beale, weierstrass4, dropWave, boostingLike, salomonMixed5, deceptiveCategory,
    ]

    /// The name that stands for the whole set on the command line.
    public static let setName = "fresh2"

    private static let budget = 100

    /// Cosine mixture 6-D on [-0.7, 1]⁶: a bowl with cosine ripples, the optimum off the box's centre.
    public static let cosineMixture6 = BenchmarkTask(
        name: "cosine_mixture6",
        priors: reals(6, -0.7, 1),
        optimum: -0.6,
        defaultBudget: budget,
        summary: "cosine mixture, 6 real dimensions in [-0.7, 1], a bowl with regular ripples",
        dimensionOrder: names(6)
    ) { point throws(BenchmarkError) in
        TestFunctions.cosineMixture(try point.reals(names(6)))
    }

    /// An ellipsoid of condition 10⁶ on [-5, 5]⁶, centred on (1, …, 1).
    public static let ellipsoid6 = BenchmarkTask(
        name: "ellipsoid6",
        priors: reals(6, -5, 5),
        optimum: 0,
        defaultBudget: budget,
        summary: "ellipsoid of condition 1e6, 6 real dimensions in [-5, 5], unimodal, ill-conditioned",
        dimensionOrder: names(6)
    ) { point throws(BenchmarkError) in
        TestFunctions.ellipsoid(try point.reals(names(6)))
    }

    /// Beale on [-4.5, 4.5]²: flat valleys and steep walls (values up to about 1.8·10⁵).
    public static let beale = BenchmarkTask(
        name: "beale",
        priors: ["x1": real(-4.5, 4.5), "x2": real(-4.5, 4.5)],
        optimum: 0,
        defaultBudget: budget,
        summary: "Beale, 2 real dimensions in [-4.5, 4.5], narrow flat valleys, heavy tails",
        dimensionOrder: ["x1", "x2"]
    ) { point throws(BenchmarkError) in
        TestFunctions.beale(try point.real("x1"), try point.real("x2"))
    }

    /// Weierstrass's function 4-D on [-0.3, 0.5]⁴: rough (nowhere differentiable) and multimodal.
    public static let weierstrass4 = BenchmarkTask(
        name: "weierstrass4",
        priors: reals(4, -0.3, 0.5),
        optimum: 0,
        defaultBudget: budget,
        summary: "Weierstrass (a=0.5, b=3), 4 real dimensions in [-0.3, 0.5], rough, multimodal",
        dimensionOrder: names(4)
    ) { point throws(BenchmarkError) in
        TestFunctions.weierstrass(try point.reals(names(4)))
    }

    /// Drop-wave on [-3, 5]²: concentric ripples around the optimum.
    public static let dropWave = BenchmarkTask(
        name: "drop_wave",
        priors: ["x1": real(-3, 5), "x2": real(-3, 5)],
        optimum: -1,
        defaultBudget: budget,
        summary: "drop-wave, 2 real dimensions in [-3, 5], concentric ripples",
        dimensionOrder: ["x1", "x2"]
    ) { point throws(BenchmarkError) in
        TestFunctions.dropWave(try point.real("x1"), try point.real("x2"))
    }

    /// A gradient-boosting-like task: a category, a log real and a log integer on a narrow valley, an integer
    /// depth whose optimum the category sets, a real.
    public static let boostingLike = BenchmarkTask(
        name: "boosting_like",
        priors: [
            "booster": "choices(['gbtree', 'dart', 'gblinear'])",
            "learning_rate": "loguniform(0.0001, 1.0, precision=None)",
            "n_estimators": "loguniform(10, 2000, discrete=True)",
            "max_depth": "uniform(1, 12, discrete=True)",
            "subsample": real(0.3, 1),
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "boosting-like, mixed: a categorical of 3, log learning rate and log-integer trees on a narrow "
            + "valley, an integer depth, a real",
        dimensionOrder: ["booster", "learning_rate", "n_estimators", "max_depth", "subsample"]
    ) { point throws(BenchmarkError) in
        let booster = try point.category("booster")
        guard
            let value = TestFunctions.boostingLike(
                booster: booster,
                learningRate: try point.real("learning_rate"),
                estimators: (try point.real("n_estimators")).rounded(),
                depth: (try point.real("max_depth")).rounded(),
                subsample: try point.real("subsample")
            )
        else {
            throw BenchmarkError(
                .badPoint,
                "task 'boosting_like' got unknown booster '\(booster)'; evaluate it on its own space"
            )
        }
        return value
    }

    /// Salomon through three reals and two integers in [-10, 10], shifted off the centre.
    public static let salomonMixed5 = BenchmarkTask(
        name: "salomon_mixed5",
        priors: [
            "x1": real(-10, 10), "x2": real(-10, 10), "x3": real(-10, 10),
            "k1": "uniform(-10, 10, discrete=True)", "k2": "uniform(-10, 10, discrete=True)",
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "Salomon, mixed: 3 reals and 2 integers in [-10, 10], rings of local minima",
        dimensionOrder: ["x1", "x2", "x3", "k1", "k2"]
    ) { point throws(BenchmarkError) in
        let x = try point.reals(["x1", "x2", "x3"])
        let k = try point.reals(["k1", "k2"]).map { $0.rounded() }
        return TestFunctions.salomon(x + k)
    }

    /// A deceptive category: the broad basins are not the deepest; an integer in [1, 20] and two reals.
    public static let deceptiveCategory = BenchmarkTask(
        name: "deceptive_category",
        priors: [
            "kind": "choices(['wide', 'smooth', 'sharp'])", "x": real(0, 1), "y": real(0, 1),
            "k": "uniform(1, 20, discrete=True)",
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "mixed, deceptive: a categorical of 3 (two broad basins at 0.3 and 0.1, a narrow well at 0), "
            + "2 reals, 1 integer",
        dimensionOrder: ["kind", "x", "y", "k"]
    ) { point throws(BenchmarkError) in
        let kind = try point.category("kind")
        guard
            let value = TestFunctions.deceptiveCategory(
                kind: kind,
                x: try point.real("x"),
                y: try point.real("y"),
                k: (try point.real("k")).rounded()
            )
        else {
            throw BenchmarkError(
                .badPoint,
                "task 'deceptive_category' got unknown kind '\(kind)'; evaluate it on its own space"
            )
        }
        return value
    }
}
