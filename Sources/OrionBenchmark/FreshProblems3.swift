import Foundation
import OrionCore

/// The third fresh set (`--problems fresh3`): ten problems no algorithm was tuned on.
///
/// Chosen before any run of the option they were added to judge (`gp`'s `additive`, docs/algorithms/gp.md), none of
/// them among the nine, the held-out or the second fresh set: seven spaces of reals (two separable: a multimodal
/// one and a scaled quadratic; two non-separable multimodal; three non-separable smooth or ill-conditioned: a
/// three-minima camel, a rotated quadratic, a sharp ridge) and three mixed spaces (two coupled Himmelblau functions
/// of reals and integers, a random-forest-like task, a category that rotates an ill-conditioned ellipse). Each has a
/// known minimum, so results are simple regrets.
public enum FreshProblems3: SyntheticProblemSet {
    /// The problems.
    public static let all: [BenchmarkTask] = [
        threeHumpCamel, bohachevsky2, doubleSum5, sharpRidge4, corrugatedSpring4, qing4, sumSquares6,
        himmelblauMixed4, forestLike, rotatedCategory,
    ]

    /// The name that stands for the whole set on the command line.
    public static let setName = "fresh3"

    private static let budget = 100

    /// Three-hump camel on [-4, 5]²: smooth, non-separable, three minima.
    public static let threeHumpCamel = BenchmarkTask(
        name: "three_hump_camel",
        priors: ["x1": real(-4, 5), "x2": real(-4, 5)],
        optimum: 0,
        defaultBudget: budget,
        summary: "three-hump camel, 2 real dimensions in [-4, 5], smooth, non-separable, three minima",
        dimensionOrder: ["x1", "x2"]
    ) { point throws(BenchmarkError) in
        TestFunctions.threeHumpCamel(try point.real("x1"), try point.real("x2"))
    }

    /// Bohachevsky 2 on [-3, 5]²: a bowl with ripples that are a product of the coordinates' cosines.
    public static let bohachevsky2 = BenchmarkTask(
        name: "bohachevsky2",
        priors: ["x1": real(-3, 5), "x2": real(-3, 5)],
        optimum: 0,
        defaultBudget: budget,
        summary: "Bohachevsky 2, 2 real dimensions in [-3, 5], a bowl with non-separable ripples",
        dimensionOrder: ["x1", "x2"]
    ) { point throws(BenchmarkError) in
        TestFunctions.bohachevsky2(try point.real("x1"), try point.real("x2"))
    }

    /// The double sum (Schwefel 1.2) on [-10, 10]⁵, shifted: a rotated, ill-conditioned quadratic.
    public static let doubleSum5 = BenchmarkTask(
        name: "double_sum5",
        priors: reals(5, -10, 10),
        optimum: 0,
        defaultBudget: budget,
        summary: "double sum (Schwefel 1.2), 5 real dimensions in [-10, 10], a rotated ill-conditioned quadratic",
        dimensionOrder: names(5)
    ) { point throws(BenchmarkError) in
        TestFunctions.doubleSum(try point.reals(names(5)))
    }

    /// The sharp ridge on [-5, 5]⁴, shifted: ill-conditioned, non-smooth along its ridge.
    public static let sharpRidge4 = BenchmarkTask(
        name: "sharp_ridge4",
        priors: reals(4, -5, 5),
        optimum: 0,
        defaultBudget: budget,
        summary: "sharp ridge, 4 real dimensions in [-5, 5], ill-conditioned, non-smooth, non-separable",
        dimensionOrder: names(4)
    ) { point throws(BenchmarkError) in
        TestFunctions.sharpRidge(try point.reals(names(4)))
    }

    /// The deflected corrugated spring on [0, 8]⁴: rings of local minima around (5, 5, 5, 5).
    public static let corrugatedSpring4 = BenchmarkTask(
        name: "corrugated_spring4",
        priors: reals(4, 0, 8),
        optimum: -1,
        defaultBudget: budget,
        summary: "deflected corrugated spring, 4 real dimensions in [0, 8], radial rings of local minima",
        dimensionOrder: names(4)
    ) { point throws(BenchmarkError) in
        TestFunctions.corrugatedSpring(try point.reals(names(4)))
    }

    /// Qing on [-3, 3]⁴: separable, sixteen global minima.
    public static let qing4 = BenchmarkTask(
        name: "qing4",
        priors: reals(4, -3, 3),
        optimum: 0,
        defaultBudget: budget,
        summary: "Qing, 4 real dimensions in [-3, 3], separable, 16 global minima",
        dimensionOrder: names(4)
    ) { point throws(BenchmarkError) in
        TestFunctions.qing(try point.reals(names(4)))
    }

    /// Sum squares on [-5, 5]⁶, shifted: a separable quadratic, its axes scaled 1 to 6.
    public static let sumSquares6 = BenchmarkTask(
        name: "sum_squares6",
        priors: reals(6, -5, 5),
        optimum: 0,
        defaultBudget: budget,
        summary: "sum squares, 6 real dimensions in [-5, 5], a separable quadratic",
        dimensionOrder: names(6)
    ) { point throws(BenchmarkError) in
        TestFunctions.sumSquares(try point.reals(names(6)))
    }

    /// Two coupled Himmelblau functions of a real and an integer each, in [-5, 5].
    public static let himmelblauMixed4 = BenchmarkTask(
        name: "himmelblau_mixed4",
        priors: [
            "x1": real(-5, 5), "x2": real(-5, 5), "k1": "uniform(-5, 5, discrete=True)",
            "k2": "uniform(-5, 5, discrete=True)",
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "two coupled Himmelblau functions, mixed: 2 reals and 2 integers in [-5, 5], multimodal",
        dimensionOrder: ["x1", "x2", "k1", "k2"]
    ) { point throws(BenchmarkError) in
        TestFunctions.himmelblauMixed(
            x1: try point.real("x1"),
            x2: try point.real("x2"),
            k1: (try point.real("k1")).rounded(),
            k2: (try point.real("k2")).rounded()
        )
    }

    /// A random-forest-like task: a criterion, log-integer trees, integer depth and leaf size, a real feature share.
    public static let forestLike = BenchmarkTask(
        name: "forest_like",
        priors: [
            "criterion": "choices(['gini', 'entropy', 'log_loss'])",
            "n_estimators": "loguniform(10, 1000, discrete=True)",
            "max_depth": "uniform(2, 30, discrete=True)",
            "min_samples_leaf": "uniform(1, 20, discrete=True)",
            "max_features": real(0.05, 1),
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "forest-like, mixed: a categorical of 3, log-integer trees, integer depth and leaf size whose "
            + "trade-off sets the best real feature share",
        dimensionOrder: ["criterion", "n_estimators", "max_depth", "min_samples_leaf", "max_features"]
    ) { point throws(BenchmarkError) in
        let criterion = try point.category("criterion")
        guard
            let value = TestFunctions.forestLike(
                criterion: criterion,
                trees: (try point.real("n_estimators")).rounded(),
                depth: (try point.real("max_depth")).rounded(),
                leaf: (try point.real("min_samples_leaf")).rounded(),
                features: try point.real("max_features")
            )
        else {
            throw BenchmarkError(
                .badPoint,
                "task 'forest_like' got unknown criterion '\(criterion)'; evaluate it on its own space"
            )
        }
        return value
    }

    /// A category that rotates an ill-conditioned ellipse of two reals in [-2, 2], and an integer in [0, 15].
    public static let rotatedCategory = BenchmarkTask(
        name: "rotated_category",
        priors: [
            "kind": "choices(['r0', 'r1', 'r2'])", "x": real(-2, 2), "y": real(-2, 2),
            "k": "uniform(0, 15, discrete=True)",
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "mixed: a categorical of 3 that rotates and moves an ellipse of condition 100 in 2 reals, "
            + "1 integer",
        dimensionOrder: ["kind", "x", "y", "k"]
    ) { point throws(BenchmarkError) in
        let kind = try point.category("kind")
        guard
            let value = TestFunctions.rotatedCategory(
                kind: kind,
                x: try point.real("x"),
                y: try point.real("y"),
                k: (try point.real("k")).rounded()
            )
        else {
            throw BenchmarkError(
                .badPoint,
                "task 'rotated_category' got unknown kind '\(kind)'; evaluate it on its own space"
            )
        }
        return value
    }
}
