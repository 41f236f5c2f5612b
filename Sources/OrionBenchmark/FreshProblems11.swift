import Foundation
import OrionCore

/// The eleventh fresh set (`--problems fresh11`): eight spaces of reals no algorithm was tuned on.
///
/// Chosen before any run of the option they were added to judge (`gp`'s `prior_mean: "worst"`,
/// docs/algorithms/gp.md), none of them among the nine, the held-out or the earlier fresh sets, nor Oríon's tasks:
/// dimensions 2 to 8 — a rough, densely multimodal function (Trefethen's), a bowl whose minimum is a corner (Brent's),
/// a plateau pierced by 25 narrow wells (De Jong's fifth), a curved narrow valley (Box and Betts'), ripples on a log
/// scale with many global minima (Vincent's), a non-smooth crease (HGBat), a training-like loss of six SGD settings
/// (three log-scaled) where the best learning rate moves with the batch size, and a function increasing towards one
/// corner of an 8-D cube (Mishra's second). Each has a known minimum, so results are simple regrets.
public enum FreshProblems11: SyntheticProblemSet {
    /// The problems.
    public static let all: [BenchmarkTask] = [
        trefethen, brent, deJong5, boxBetts3, vincent5, hgbat6, sgdLike6, mishra2n8,
    ]

    /// The name that stands for the whole set on the command line.
    public static let setName = "fresh11"

    private static let budget = 100

    /// Trefethen's function on [−2, 1] × [−1, 2].
    public static let trefethen = BenchmarkTask(
        name: "trefethen",
        priors: ["x1": real(-2, 1), "x2": real(-1, 2)],
        optimum: TestFunctions.trefethen(TestFunctions.trefethenArgmin[0], TestFunctions.trefethenArgmin[1]),
        defaultBudget: budget,
        summary: "Trefethen, 2 real dimensions, rough and densely multimodal",
        dimensionOrder: names(2)
    ) { point throws(BenchmarkError) in
        TestFunctions.trefethen(try point.real("x1"), try point.real("x2"))
    }

    /// Brent's function on [−10, 10]².
    public static let brent = BenchmarkTask(
        name: "brent",
        priors: reals(2, -10, 10),
        optimum: TestFunctions.brent(-10, -10),
        defaultBudget: budget,
        summary: "Brent, 2 real dimensions in [-10, 10], a bowl whose minimum is the corner (-10, -10)",
        dimensionOrder: names(2)
    ) { point throws(BenchmarkError) in
        TestFunctions.brent(try point.real("x1"), try point.real("x2"))
    }

    /// De Jong's fifth function on [−65.536, 65.536]².
    public static let deJong5 = BenchmarkTask(
        name: "de_jong5",
        priors: reals(2, -65.536, 65.536),
        optimum: TestFunctions.deJong5(TestFunctions.deJong5Argmin[0], TestFunctions.deJong5Argmin[1]),
        defaultBudget: budget,
        summary: "De Jong 5 (Shekel's foxholes), 2 real dimensions in [-65.536, 65.536], 25 narrow wells",
        dimensionOrder: names(2)
    ) { point throws(BenchmarkError) in
        TestFunctions.deJong5(try point.real("x1"), try point.real("x2"))
    }

    /// Box and Betts' function on [0.9, 1.2] × [9, 11.2] × [0.9, 1.2].
    public static let boxBetts3 = BenchmarkTask(
        name: "box_betts3",
        priors: ["x1": real(0.9, 1.2), "x2": real(9, 11.2), "x3": real(0.9, 1.2)],
        optimum: 0,
        defaultBudget: budget,
        summary: "Box and Betts, 3 real dimensions, a curved narrow valley",
        dimensionOrder: names(3)
    ) { point throws(BenchmarkError) in
        TestFunctions.boxBetts(try point.reals(names(3)))
    }

    /// Vincent's function on [0.25, 10]⁵.
    public static let vincent5 = BenchmarkTask(
        name: "vincent5",
        priors: reals(5, 0.25, 10),
        optimum: -5,
        defaultBudget: budget,
        summary: "Vincent, 5 real dimensions in [0.25, 10], ripples on a log scale, many global minima",
        dimensionOrder: names(5)
    ) { point throws(BenchmarkError) in
        TestFunctions.vincent(try point.reals(names(5)))
    }

    /// HGBat on [−5, 5]⁶.
    public static let hgbat6 = BenchmarkTask(
        name: "hgbat6",
        priors: reals(6, -5, 5),
        optimum: 0,
        defaultBudget: budget,
        summary: "HGBat, 6 real dimensions in [-5, 5], a non-smooth crease, minimum at (-1, ..., -1)",
        dimensionOrder: names(6)
    ) { point throws(BenchmarkError) in
        TestFunctions.hgbat(try point.reals(names(6)))
    }

    /// A training-like loss of six SGD settings, three of them log-scaled.
    public static let sgdLike6 = BenchmarkTask(
        name: "sgd_like6",
        priors: [
            "lr": "loguniform(0.0001, 1, precision=None)", "momentum": real(0, 0.99),
            "wd": "loguniform(1e-06, 0.1, precision=None)", "batch": "loguniform(16, 1024, precision=None)",
            "warmup": real(0, 0.3), "smoothing": real(0, 0.3),
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "training-like: SGD's learning rate (its best moves with the batch size), momentum, weight decay, "
            + "batch size, warm-up and label smoothing",
        dimensionOrder: ["lr", "momentum", "wd", "batch", "warmup", "smoothing"]
    ) { point throws(BenchmarkError) in
        TestFunctions.sgdLike(
            lr: try point.real("lr"),
            momentum: try point.real("momentum"),
            wd: try point.real("wd"),
            batch: try point.real("batch"),
            warmup: try point.real("warmup"),
            smoothing: try point.real("smoothing")
        )
    }

    /// Mishra's second function on [0, 1]⁸.
    public static let mishra2n8 = BenchmarkTask(
        name: "mishra2_8",
        priors: reals(8, 0, 1),
        optimum: 2,
        defaultBudget: budget,
        summary: "Mishra 2, 8 real dimensions in [0, 1], increasing towards the corner (1, ..., 1)",
        dimensionOrder: names(8)
    ) { point throws(BenchmarkError) in
        TestFunctions.mishra2(try point.reals(names(8)))
    }
}
