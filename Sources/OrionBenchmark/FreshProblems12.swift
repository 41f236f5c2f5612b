import Foundation
import OrionCore

/// The twelfth fresh set (`--problems fresh12`): eight spaces of reals no algorithm was tuned on.
///
/// Chosen before any run of the option they were added to judge (`gp`'s `additive: "alternate"`,
/// docs/algorithms/gp.md), none of them among the nine, the held-out or the earlier fresh sets, nor Oríon's tasks:
/// dimensions 2 to 8 — a deceptive function whose wide basin at the box's centre hides a narrow well far from it
/// (Damavandi's), a near-flat grid of regularly spaced local minima around one global well (the periodic function), a
/// plateau-like fit of three parameters (the Gulf research problem), a valley winding around an axis (the helical
/// valley), a rugged, nowhere differentiable product (Katsuura's), an ill-conditioned smooth quadratic (the Hilbert
/// matrix's), ripples on a global bowl (Trigonometric 2) and a non-separable smooth quartic bowl (the arrow head).
/// No box is centred on its minimum. Each has a known minimum, so results are simple regrets.
public enum FreshProblems12: SyntheticProblemSet {
    /// The problems.
    public static let all: [BenchmarkTask] = [
        damavandi, periodic, gulfResearch3, helicalValley3, katsuura4, hilbert5, trigonometric2n6, arwhead8,
    ]

    /// The name that stands for the whole set on the command line.
    public static let setName = "fresh12"

    private static let budget = 100

    /// Damavandi's function on [0, 14]².
    public static let damavandi = BenchmarkTask(
        name: "damavandi",
        priors: reals(2, 0, 14),
        optimum: 0,
        defaultBudget: budget,
        summary: "Damavandi, 2 real dimensions in [0, 14], deceptive: a wide basin at (7, 7), the minimum at (2, 2)",
        dimensionOrder: names(2)
    ) { point throws(BenchmarkError) in
        TestFunctions.damavandi(try point.real("x1"), try point.real("x2"))
    }

    /// The periodic function on [−6, 10]².
    public static let periodic = BenchmarkTask(
        name: "periodic",
        priors: reals(2, -6, 10),
        optimum: 0.9,
        defaultBudget: budget,
        summary: "periodic (Price 2), 2 real dimensions in [-6, 10], a grid of local minima, the minimum at (0, 0)",
        dimensionOrder: names(2)
    ) { point throws(BenchmarkError) in
        TestFunctions.periodic(try point.real("x1"), try point.real("x2"))
    }

    /// The Gulf research problem on [0.1, 100] × [0, 25.6] × [0, 5].
    public static let gulfResearch3 = BenchmarkTask(
        name: "gulf_research3",
        priors: ["x1": real(0.1, 100), "x2": real(0, 25.6), "x3": real(0, 5)],
        optimum: 0,
        defaultBudget: budget,
        summary: "Gulf research, 3 real dimensions, flat on much of the box, the minimum at (50, 25, 1.5)",
        dimensionOrder: names(3)
    ) { point throws(BenchmarkError) in
        TestFunctions.gulfResearch(try point.reals(names(3)))
    }

    /// The helical valley on [−10, 10]³.
    public static let helicalValley3 = BenchmarkTask(
        name: "helical_valley3",
        priors: reals(3, -10, 10),
        optimum: 0,
        defaultBudget: budget,
        summary: "helical valley, 3 real dimensions in [-10, 10], winding round the x3 axis, the minimum at (1, 0, 0)",
        dimensionOrder: names(3)
    ) { point throws(BenchmarkError) in
        TestFunctions.helicalValley(try point.reals(names(3)))
    }

    /// Katsuura's function on [−0.3, 0.4]⁴.
    public static let katsuura4 = BenchmarkTask(
        name: "katsuura4",
        priors: reals(4, -0.3, 0.4),
        optimum: 0,
        defaultBudget: budget,
        summary: "Katsuura, 4 real dimensions in [-0.3, 0.4], rugged and nowhere differentiable, the minimum at 0",
        dimensionOrder: names(4)
    ) { point throws(BenchmarkError) in
        TestFunctions.katsuura(try point.reals(names(4)))
    }

    /// The Hilbert quadratic on [−2, 4]⁵.
    public static let hilbert5 = BenchmarkTask(
        name: "hilbert5",
        priors: reals(5, -2, 4),
        optimum: 0,
        defaultBudget: budget,
        summary: "Hilbert quadratic, 5 real dimensions in [-2, 4], smooth and ill-conditioned (5e5), the minimum at 0",
        dimensionOrder: names(5)
    ) { point throws(BenchmarkError) in
        TestFunctions.hilbertQuadratic(try point.reals(names(5)))
    }

    /// Trigonometric 2 on [−5, 5]⁶.
    public static let trigonometric2n6 = BenchmarkTask(
        name: "trigonometric2_6",
        priors: reals(6, -5, 5),
        optimum: 1,
        defaultBudget: budget,
        summary: "Trigonometric 2, 6 real dimensions in [-5, 5], ripples on a bowl, the minimum at (0.9, ..., 0.9)",
        dimensionOrder: names(6)
    ) { point throws(BenchmarkError) in
        TestFunctions.trigonometric2(try point.reals(names(6)))
    }

    /// The arrow-head quartic on [−2, 2]⁸.
    public static let arwhead8 = BenchmarkTask(
        name: "arwhead8",
        priors: reals(8, -2, 2),
        optimum: 0,
        defaultBudget: budget,
        summary: "ARWHEAD, 8 real dimensions in [-2, 2], a non-separable quartic bowl, the minimum at (1, ..., 1, 0)",
        dimensionOrder: names(8)
    ) { point throws(BenchmarkError) in
        TestFunctions.arwhead(try point.reals(names(8)))
    }
}
