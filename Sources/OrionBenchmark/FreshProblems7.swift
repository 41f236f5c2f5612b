import Foundation
import OrionCore

/// The seventh fresh set (`--problems fresh7`): eight spaces of reals no algorithm was tuned on.
///
/// Chosen before any run of the option they were added to judge (`gp`'s `trust_region: "v4"`, docs/algorithms/gp.md),
/// none of them among the nine, the held-out, the second to sixth fresh sets, nor Oríon's tasks: dimensions 2 to 8 —
/// multimodal without a global structure (Shubert's 18 global minima among 760), multimodal with one (Alpine N.2's
/// ripples growing towards a corner; Lunacek's two Rastrigin funnels, the deeper the narrower), a non-smooth valley
/// along a sphere (HappyCat), unimodal and badly scaled (Brown, steep and flat; the different powers), and two smooth
/// easy ones (the exponential function with a log-scaled coordinate, Chung-Reynolds). Optima are shifted away from
/// the centre of the box. Each has a known minimum, so results are simple regrets.
public enum FreshProblems7: SyntheticProblemSet {
    /// The problems.
    public static let all: [BenchmarkTask] = [
        shubert, alpineN2Three, happyCat4, lunacek5, exponentialLog4, brown6, differentPowers7, chungReynolds8,
    ]

    /// The name that stands for the whole set on the command line.
    public static let setName = "fresh7"

    private static let budget = 100

    /// Shubert on [-10, 10]²: 760 local minima, 18 global ones, no global structure.
    public static let shubert = BenchmarkTask(
        name: "shubert",
        priors: ["x1": real(-10, 10), "x2": real(-10, 10)],
        optimum: TestFunctions.shubertMinimum,
        defaultBudget: budget,
        summary: "Shubert, 2 real dimensions in [-10, 10], multimodal (18 global minima among 760)",
        dimensionOrder: ["x1", "x2"]
    ) { point throws(BenchmarkError) in
        TestFunctions.shubert(try point.real("x1"), try point.real("x2"))
    }

    /// Alpine N.2 on [0, 10]³: separable ripples growing towards the corner where the minimum is.
    public static let alpineN2Three = BenchmarkTask(
        name: "alpine_n2_3",
        priors: reals(3, 0, 10),
        optimum: TestFunctions.alpineN2(Array(repeating: TestFunctions.alpineN2Argmin, count: 3)),
        defaultBudget: budget,
        summary: "Alpine N.2, 3 real dimensions in [0, 10], multimodal, separable, the minimum near a corner",
        dimensionOrder: names(3)
    ) { point throws(BenchmarkError) in
        TestFunctions.alpineN2(try point.reals(names(3)))
    }

    /// HappyCat on [-2, 2]⁴: a non-smooth valley along a sphere, minimum 0 at (−1, …, −1).
    public static let happyCat4 = BenchmarkTask(
        name: "happy_cat4",
        priors: reals(4, -2, 2),
        optimum: 0,
        defaultBudget: budget,
        summary: "HappyCat, 4 real dimensions in [-2, 2], a non-smooth valley along a sphere, minimum at (-1, ..., -1)",
        dimensionOrder: names(4)
    ) { point throws(BenchmarkError) in
        TestFunctions.happyCat(try point.reals(names(4)))
    }

    /// Lunacek's bi-Rastrigin on [-5, 5]⁵: two funnels of ripples, the deeper one at (2.5, …, 2.5).
    public static let lunacek5 = BenchmarkTask(
        name: "lunacek5",
        priors: reals(5, -5, 5),
        optimum: 0,
        defaultBudget: budget,
        summary: "Lunacek bi-Rastrigin, 5 real dimensions in [-5, 5], two funnels of ripples, minimum at 2.5",
        dimensionOrder: names(5)
    ) { point throws(BenchmarkError) in
        TestFunctions.lunacek(try point.reals(names(5)))
    }

    /// The exponential function with a log-scaled first coordinate in [1e-4, 1] and three in [-1, 1]: smooth, easy.
    public static let exponentialLog4 = BenchmarkTask(
        name: "exponential_log4",
        priors: [
            "x1": "loguniform(0.0001, 1.0, precision=None)", "x2": real(-1, 1), "x3": real(-1, 1),
            "x4": real(-1, 1),
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "exponential function, 4 real dimensions (x1 log-scaled in [1e-4, 1], 3 in [-1, 1]), smooth, shifted",
        dimensionOrder: names(4)
    ) { point throws(BenchmarkError) in
        TestFunctions.exponentialLog(try point.reals(names(4)))
    }

    /// Brown on [-1, 4]⁶: unimodal, non-separable, flat near the minimum 0 at the origin, very steep far from it.
    public static let brown6 = BenchmarkTask(
        name: "brown6",
        priors: reals(6, -1, 4),
        optimum: 0,
        defaultBudget: budget,
        summary: "Brown, 6 real dimensions in [-1, 4], unimodal, non-separable, values up to 1e20",
        dimensionOrder: names(6)
    ) { point throws(BenchmarkError) in
        TestFunctions.brown(try point.reals(names(6)))
    }

    /// The different powers on [-5, 5]⁷, shifted: unimodal, the coordinates' powers from 2 to 6.
    public static let differentPowers7 = BenchmarkTask(
        name: "different_powers7",
        priors: reals(7, -5, 5),
        optimum: 0,
        defaultBudget: budget,
        summary: "different powers, shifted, 7 real dimensions in [-5, 5], unimodal, badly scaled near the minimum",
        dimensionOrder: names(7)
    ) { point throws(BenchmarkError) in
        TestFunctions.differentPowers(try point.reals(names(7)))
    }

    /// Chung-Reynolds on [-5, 5]⁸, shifted: smooth, unimodal, flat at the minimum.
    public static let chungReynolds8 = BenchmarkTask(
        name: "chung_reynolds8",
        priors: reals(8, -5, 5),
        optimum: 0,
        defaultBudget: budget,
        summary: "Chung-Reynolds, shifted, 8 real dimensions in [-5, 5], smooth, unimodal, (sum of squares)^2",
        dimensionOrder: names(8)
    ) { point throws(BenchmarkError) in
        TestFunctions.chungReynolds(try point.reals(names(8)))
    }
}
