import Foundation
import OrionCore

/// The thirteenth fresh set (`--problems fresh13`): eight spaces of reals no algorithm was tuned on.
///
/// Chosen before any run of the option they were added to judge (`gp`'s `final_exploit`, docs/algorithms/gp.md), none
/// of them among the nine, the held-out or the earlier fresh sets, nor Oríon's tasks: dimensions 2 to 8 — a curved
/// valley with a local minimum (Freudenstein and Roth's), rugged ripples under a bump (Ripple 1), a plateau far from a
/// rippled well (the W-wavy function), a non-separable system with two minima in its box (Brown's almost-linear), a
/// function nearly flat around its minimum (Miele and Cantrell's), a non-separable quartic whose Hessian is singular at
/// the minimum (NONDQUAR), a non-separable fit of three exponentials (Biggs's EXP6) and parabolic valleys bound to one
/// coordinate (LIARWHD). No box is centred on its minimum. Each has a known minimum, so results are simple regrets.
public enum FreshProblems13: SyntheticProblemSet {
    /// The problems.
    public static let all: [BenchmarkTask] = [
        freudensteinRoth, ripple1, wavy3, brownAlmostLinear3, mieleCantrell4, nondquar5, biggsExp6, liarwhd8,
    ]

    /// The name that stands for the whole set on the command line.
    public static let setName = "fresh13"

    private static let budget = 100

    /// Freudenstein and Roth's function on [−4, 16] × [−3, 6].
    public static let freudensteinRoth = BenchmarkTask(
        name: "freudenstein_roth",
        priors: ["x1": real(-4, 16), "x2": real(-3, 6)],
        optimum: 0,
        defaultBudget: budget,
        summary: "Freudenstein-Roth, 2 real dimensions, a curved valley, a local minimum 48.98, the minimum at (5, 4)",
        dimensionOrder: names(2)
    ) { point throws(BenchmarkError) in
        TestFunctions.freudensteinRoth(try point.real("x1"), try point.real("x2"))
    }

    /// Ripple 1 on [0, 1]².
    public static let ripple1 = BenchmarkTask(
        name: "ripple1",
        priors: reals(2, 0, 1),
        optimum: -2.2,
        defaultBudget: budget,
        summary: "Ripple 1, 2 real dimensions in [0, 1], rugged ripples under a bump, the minimum -2.2 at (0.1, 0.1)",
        dimensionOrder: names(2)
    ) { point throws(BenchmarkError) in
        TestFunctions.ripple1(try point.reals(names(2)))
    }

    /// The W-wavy function on [−2, 4]³.
    public static let wavy3 = BenchmarkTask(
        name: "wavy3",
        priors: reals(3, -2, 4),
        optimum: 0,
        defaultBudget: budget,
        summary: "W-wavy, 3 real dimensions in [-2, 4], flat far off, ripples deepening towards the minimum at 0",
        dimensionOrder: names(3)
    ) { point throws(BenchmarkError) in
        TestFunctions.wavy(try point.reals(names(3)))
    }

    /// Brown's almost-linear function on [−2, 3]³.
    public static let brownAlmostLinear3 = BenchmarkTask(
        name: "brown_almost_linear3",
        priors: reals(3, -2, 3),
        optimum: 0,
        defaultBudget: budget,
        summary: "Brown almost-linear, 3 real dimensions in [-2, 3], two minima: (1, 1, 1) and near (0.77, 0.77, 1.70)",
        dimensionOrder: names(3)
    ) { point throws(BenchmarkError) in
        TestFunctions.brownAlmostLinear(try point.reals(names(3)))
    }

    /// Miele and Cantrell's function on [−0.3, 1.1]⁴.
    public static let mieleCantrell4 = BenchmarkTask(
        name: "miele_cantrell4",
        priors: reals(4, -0.3, 1.1),
        optimum: 0,
        defaultBudget: budget,
        summary: "Miele-Cantrell, 4 real dimensions in [-0.3, 1.1], nearly flat round the minimum at (0, 1, 1, 1)",
        dimensionOrder: names(4)
    ) { point throws(BenchmarkError) in
        TestFunctions.mieleCantrell(try point.reals(names(4)))
    }

    /// The nondiagonal quartic on [−1, 2]⁵.
    public static let nondquar5 = BenchmarkTask(
        name: "nondquar5",
        priors: reals(5, -1, 2),
        optimum: 0,
        defaultBudget: budget,
        summary: "NONDQUAR, 5 real dimensions in [-1, 2], a non-separable quartic, singular at the minimum at 0",
        dimensionOrder: names(5)
    ) { point throws(BenchmarkError) in
        TestFunctions.nondquar(try point.reals(names(5)))
    }

    /// Biggs's EXP6 on [0, 12]⁶.
    public static let biggsExp6 = BenchmarkTask(
        name: "biggs_exp6",
        priors: reals(6, 0, 12),
        optimum: 0,
        defaultBudget: budget,
        summary: "Biggs EXP6, 6 real dimensions in [0, 12], three exponentials, a minimum at (1, 10, 1, 5, 4, 3)",
        dimensionOrder: names(6)
    ) { point throws(BenchmarkError) in
        TestFunctions.biggsExp6(try point.reals(names(6)))
    }

    /// LIARWHD on [−3, 4]⁸.
    public static let liarwhd8 = BenchmarkTask(
        name: "liarwhd8",
        priors: reals(8, -3, 4),
        optimum: 0,
        defaultBudget: budget,
        summary: "LIARWHD, 8 real dimensions in [-3, 4], parabolic valleys bound to x1, the minimum at (1, ..., 1)",
        dimensionOrder: names(8)
    ) { point throws(BenchmarkError) in
        TestFunctions.liarwhd(try point.reals(names(8)))
    }
}
